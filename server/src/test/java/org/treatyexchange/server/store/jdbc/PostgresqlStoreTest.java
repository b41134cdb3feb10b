package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.store.DatabaseServer;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Stores;

/**
 * What only a PostgreSQL server brings: TLS and a login on the way in, a database that must keep text
 * as Derby does, server settings that decide durability, and other nodes writing to the same database.
 * Against the real server scripts/test-postgres started; each test on fresh databases.
 */
class PostgresqlStoreTest {

    @TempDir
    Path temp;

    @Test
    void theConnectionIsEncryptedAndTheServerCertificateIsCheckedAgainstTheConfiguredCa() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL)) {
            try (Store store = db.open(temp)) {
                boolean encrypted = store.read(tx -> {
                    try (Statement st = ((JdbcTx) tx).connection().createStatement();
                            ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                        return rs.next() && rs.getBoolean(1);
                    }
                });
                assertThat(encrypted).isTrue();
            }
            // Another CA, as an attacker in the middle would present: refused before any login.
            Path otherCa = temp.resolve("other-ca.pem");
            Processes.Result made = Processes.run(temp, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=Not the database's CA", "-keyout",
                    temp.resolve("other-ca.key").toString(), "-out", otherCa.toString()));
            assertThat(made.exitCode()).as(made.output()).isZero();
            DatabaseServer wrongCa = new DatabaseServer(db.url(), db.settings().user(), DatabaseServer.Tls.VERIFY_FULL, otherCa, 2);
            String password = db.settings().password();
            assertThatThrownBy(() -> Stores.postgresql(wrongCa, password.toCharArray()).close())
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreException.Reason.UNAVAILABLE);
                        assertThat(e.getMessage()).doesNotContain(password);
                        assertThat(String.valueOf(e.getCause())).containsIgnoringCase("SSL");
                    });
        }
    }

    @Test
    void aWrongPasswordIsRefusedWhenTheStoreOpensWithoutRepeatingIt() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL)) {
            assertThatThrownBy(() -> Stores.postgresql(db.server(), "not-the-password".toCharArray()).close())
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreException.Reason.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("28P01").doesNotContain("not-the-password");
                    });
        }
    }

    @Test
    void aDatabaseThatDoesNotSortTextByCodePointIsRefusedBeforeAnythingIsWritten() throws Exception {
        // ICU's English order puts 'a' before 'B' and ignores '-': ids and listings would sort unlike on Derby.
        try (TestDatabase db = TestDatabase.createPostgresql(
                "TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LC_COLLATE 'C' LC_CTYPE 'C'")) {
            assertThatThrownBy(() -> db.open(temp).close()).isInstanceOfSatisfying(StoreException.class,
                    e -> assertThat(e.getMessage()).contains("does not sort text by code point").contains("LC_COLLATE 'C'"));
            assertThat(tables(db)).isEmpty();
        }
    }

    @Test
    void aDatabaseNotInUtf8IsRefusedBeforeAnythingIsWritten() throws Exception {
        try (TestDatabase db = TestDatabase.createPostgresql("TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'")) {
            assertThatThrownBy(() -> db.open(temp).close()).isInstanceOfSatisfying(StoreException.class,
                    e -> assertThat(e.getMessage()).contains("encoding SQL_ASCII").contains("ENCODING 'UTF8'"));
            assertThat(tables(db)).isEmpty();
        }
    }

    @Test
    void aServerThatAcknowledgesCommitsBeforeTheyAreOnDiskIsReportedAsWeakened() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL)) {
            try (Store store = db.open(temp)) {
                assertThat(store.durabilityWeakness()).isEmpty();
            }
            try (Connection c = db.connect(temp); Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("ALTER DATABASE " + db.url().substring(db.url().lastIndexOf('/') + 1) + " SET synchronous_commit = off");
            }
            try (Store store = db.open(temp)) {
                assertThat(store.durabilityWeakness()).hasValueSatisfying(w -> assertThat(w).contains("synchronous_commit is off"));
            }
        }
    }

    /**
     * Two stores on one database are two nodes: each has its own pool and group commit, and only the
     * database's row lock on the audit head keeps their appends in one chain.
     */
    @Test
    void twoNodesAppendingAtOnceKeepOneUnbrokenAuditChain() throws Exception {
        int perThread = 40;
        int threadsPerNode = 4;
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
                Store node1 = db.open(temp.resolve("1"));
                Store node2 = db.open(temp.resolve("2"))) {
            AuditLog audit = new AuditLog(Clock.systemUTC());
            ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 2 * threadsPerNode; t++) {
                    Store node = t % 2 == 0 ? node1 : node2;
                    String actor = "node" + (t % 2 + 1) + "-thread" + t;
                    running.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            audit.record(node, AuditEvent.ok("test.event", actor, "local", "subject-" + i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            int total = 2 * threadsPerNode * perThread;
            assertThat(AuditVerifier.verify(node1)).isEqualTo(new AuditVerification(true, total, null, null));
            assertThat(AuditVerifier.verify(node2)).isEqualTo(new AuditVerification(true, total, null, null));
            long head = node2.read(tx -> tx.audit().head().seq());
            assertThat(head).isEqualTo(total);
        }
    }

    private static List<String> tables(TestDatabase db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(null); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
