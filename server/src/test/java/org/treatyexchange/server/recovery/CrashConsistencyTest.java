package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receipt is a promise: the real server, in its own JVM, under concurrent SFTP uploads, signed
 * messages and releases, is killed with SIGKILL at random moments and restarted; after each restart
 * {@link CrashHarness} checks that nothing acknowledged was lost or corrupted. The build runs a few
 * cycles on Derby and on PostgreSQL; {@code scripts/crash-test} runs 20 or more ({@code -Dcrash.cycles=N}).
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class CrashConsistencyTest {

    @Parameter
    TestDatabase.Kind database;

    @TempDir
    Path tmp;

    @Test
    void nothingAcknowledgedIsLostWhenTheServerIsKilled() throws Exception {
        int cycles = Integer.getInteger("crash.cycles", 3);
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (TestDatabase db = TestDatabase.create(database)) {
            run(cycles, work, db);
            if (database == TestDatabase.Kind.POSTGRESQL) {
                // the server kept its records where the environment told it to, not in a Derby of its own
                try (java.sql.Connection c = db.connect(null); java.sql.Statement st = c.createStatement();
                        java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM filing")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isPositive();
                }
                assertThat(tmp.resolve("home").resolve("db").resolve("exchange")).doesNotExist();
            }
        }
    }

    private void run(int cycles, Path work, TestDatabase db) throws Exception {
        CrashHarness harness = new CrashHarness(tmp.resolve("home"), work, "256m", db.environment());
        harness.run(cycles, 1_000, 6_000); // after every client got going
        assertThat(harness.figures()).hasSize(cycles);
        // the load really ran: documents were attempted and acknowledged, releases happened
        assertThat(harness.figures().stream().mapToInt(CrashHarness.CycleFigures::attempted).sum()).isGreaterThan(cycles);
        CrashHarness.CycleFigures last = harness.figures().get(cycles - 1);
        assertThat(last.acknowledged()).isPositive();
        assertThat(last.filingsTotal()).isGreaterThanOrEqualTo(last.acknowledged());
        String report = String.join("\n", harness.figures().stream().map(Object::toString).toList());
        Path out = Path.of("target", "crash-report-" + database.name().toLowerCase(java.util.Locale.ROOT) + ".txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report + "\n");
    }
}
