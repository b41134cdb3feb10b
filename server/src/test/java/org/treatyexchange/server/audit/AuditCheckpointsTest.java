package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;

/**
 * Checkpoints are signed at the interval, only when the head moved, kept in the database and beside it,
 * and the start-up check holds the chain to the newest one (Derby and PostgreSQL).
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class AuditCheckpointsTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;

    TestDatabase database;
    Store store;
    ReceiptSigner signer;
    AuditLog audit;
    AuditCheckpoints checkpoints;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = database.open(temp.resolve("db"));
        signer = ReceiptSigner.openOrCreate(temp.resolve("r.p12"), temp.resolve("r.pem"), "test-only".toCharArray(), "Test receipts",
                Clock.systemUTC());
        audit = new AuditLog(Clock.systemUTC());
        checkpoints = new AuditCheckpoints(store, signer::sign, Clock.systemUTC(), temp.resolve("audit-checkpoint.p7s"));
    }

    @AfterEach
    void close() throws Exception {
        checkpoints.close();
        store.close();
        database.close();
    }

    private AuditRow event(int i) throws Exception {
        return audit.record(store, AuditEvent.ok("test.event", "actor", "local", "subject-" + i));
    }

    @Test
    void theHeadIsSignedAtTheIntervalOnlyWhenItMovedAndKeptInsideAndOutsideTheDatabase() throws Exception {
        event(1);
        AuditRow third = null;
        for (int i = 2; i <= 3; i++) {
            third = event(i);
        }
        checkpoints.start(Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(20)).until(() -> checkpoints.latestStored().map(AuditRecords.Checkpoint::seq).orElse(0L) == 3);
        Thread.sleep(500); // several ticks with the head still: no new checkpoint
        assertThat(checkpoints.all()).hasSize(1);

        AuditRow fifth = null;
        for (int i = 4; i <= 5; i++) {
            fifth = event(i);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> checkpoints.latestStored().map(AuditRecords.Checkpoint::seq).orElse(0L) == 5);
        // a tick may fall between the two appends (a checkpoint at 4): each moved head once, never one twice
        assertThat(checkpoints.all()).extracting(AuditRecords.Checkpoint::seq).startsWith(3L).endsWith(5L)
                .doesNotHaveDuplicates().isSorted();

        AuditRecords.Checkpoint newest = checkpoints.latestStored().orElseThrow();
        AuditStatement signed = AuditStatement.fromBytes(ReceiptSigner.verify(newest.cms(), signer.certificate()));
        assertThat(signed.kind()).isEqualTo(AuditStatement.CHECKPOINT);
        assertThat(signed.seq()).isEqualTo(5);
        assertThat(signed.hash()).isEqualTo(fifth.hash());
        assertThat(ReceiptSigner.anchorOf(newest.cms()).orElseThrow().hash()).isEqualTo(fifth.hash());
        assertThat(AuditStatement.fromBytes(ReceiptSigner.verify(checkpoints.all().get(0).cms(), signer.certificate())).hash())
                .isEqualTo(third.hash());
        assertThat(Files.readAllBytes(temp.resolve("audit-checkpoint.p7s"))).isEqualTo(newest.cms());
        assertThat(StartupAuditCheck.problem(store, checkpoints, signer.certificate())).isEmpty();
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsNotBelievedAtStartUp() throws Exception {
        event(1);
        ReceiptSigner other = ReceiptSigner.openOrCreate(temp.resolve("o.p12"), temp.resolve("o.pem"), "test-only".toCharArray(),
                "Other", Clock.systemUTC());
        new AuditCheckpoints(store, other::sign, Clock.systemUTC(), temp.resolve("audit-checkpoint.p7s")).checkpointNow();
        assertThat(StartupAuditCheck.problem(store, checkpoints, signer.certificate())).hasValueSatisfying(p ->
                assertThat(p).startsWith("the latest audit checkpoint in the database is not the server's signature"));
    }
}
