package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.Stores;
import org.treatyexchange.server.store.jdbc.DatabaseTampering;

/** Each tamper on a stopped server's database, Derby or PostgreSQL, is found, with the first bad event named. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class AuditVerifierTest {

    @Parameter
    TestDatabase.Kind kind;
    TestDatabase database;

    static final int EVENTS = 20;

    @TempDir
    Path temp;
    Path db;
    Store store;
    List<AuditRow> rows;

    @BeforeEach
    void writeChain() throws Exception {
        db = temp.resolve("db");
        database = TestDatabase.create(kind);
        store = database.open(db);
        AuditLog audit = new AuditLog(Clock.systemUTC());
        rows = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            rows.add(audit.record(store, AuditEvent.ok("test.event", "actor", "local", "subject-" + i)
                    .withDetail("i", Integer.toString(i))));
        }
        assertThat(AuditVerifier.verify(store)).isEqualTo(new AuditVerification(true, EVENTS, null, null));
        store.close();
        store = null;
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) {
            store.close();
        }
        database.close();
    }

    /** What an intruder does to the stopped server's database, whichever it is. */
    private void tamper(DatabaseTampering.Tampering change) throws java.sql.SQLException {
        DatabaseTampering.on(database, db, change);
    }

    private AuditVerification reopenAndVerify() throws Exception {
        store = database.open(db);
        return AuditVerifier.verify(store);
    }

    @Test
    void untouchedChainSurvivesRestart() throws Exception {
        assertThat(reopenAndVerify().intact()).isTrue();
    }

    @Test
    void editedEventIsNamed() throws Exception {
        tamper(() -> DatabaseTampering.editAuditSubject(db, 17, "nothing to see"));
        AuditVerification v = reopenAndVerify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(17L);
        assertThat(v.problem()).isEqualTo("event 17 was edited");
        assertThat(v.eventsChecked()).isEqualTo(17);
    }

    @Test
    void deletedEventIsNamed() throws Exception {
        tamper(() -> DatabaseTampering.deleteAuditEvent(db, 12));
        AuditVerification v = reopenAndVerify();
        assertThat(v.firstBadSeq()).isEqualTo(12L);
        assertThat(v.problem()).isEqualTo("event 12 is missing");
    }

    @Test
    void deletedLastEventIsNamedThroughTheHead() throws Exception {
        tamper(() -> DatabaseTampering.deleteAuditEvent(db, EVENTS));
        AuditVerification v = reopenAndVerify();
        assertThat(v.firstBadSeq()).isEqualTo((long) EVENTS);
        assertThat(v.problem()).startsWith("event " + EVENTS + " is missing");
    }

    @Test
    void swappedEventsAreNamed() throws Exception {
        tamper(() -> DatabaseTampering.swapAuditEvents(db, 9, 14));
        AuditVerification v = reopenAndVerify();
        assertThat(v.firstBadSeq()).isEqualTo(9L);
        assertThat(v.problem()).isEqualTo("event 9 does not follow event 8");
    }

    @Test
    void swappedNeighboursAreNamed() throws Exception {
        tamper(() -> DatabaseTampering.swapAuditEvents(db, 5, 6));
        AuditVerification v = reopenAndVerify();
        assertThat(v.firstBadSeq()).isEqualTo(5L);
    }

    @Test
    void headWithAnotherHashIsFound() throws Exception {
        tamper(() -> DatabaseTampering.setAuditHead(db, EVENTS, "f".repeat(64)));
        AuditVerification v = reopenAndVerify();
        assertThat(v.firstBadSeq()).isEqualTo((long) EVENTS);
        assertThat(v.problem()).isEqualTo("the head does not match event " + EVENTS);
    }

    @Test
    void headMovedBackToHideTheTailIsFound() throws Exception {
        AuditRow hidden = rows.get(14);
        tamper(() -> DatabaseTampering.setAuditHead(db, hidden.seq(), hidden.hash()));
        AuditVerification v = reopenAndVerify();
        assertThat(v.firstBadSeq()).isEqualTo(16L);
        assertThat(v.problem()).contains("beyond the head");
    }

    @Test
    void verifiesAcrossPages() throws Exception {
        store = database.open(db);
        AuditLog audit = new AuditLog(Clock.systemUTC());
        store.inTransaction(tx -> {
            for (int i = 0; i < AuditVerifier.PAGE * 2 + 3; i++) {
                audit.append(tx, AuditEvent.ok("bulk", "a", "local", "s" + i));
            }
            return null;
        });
        long total = EVENTS + AuditVerifier.PAGE * 2 + 3;
        assertThat(AuditVerifier.verify(store)).isEqualTo(new AuditVerification(true, total, null, null));
        store.close();
        store = null;
        tamper(() -> DatabaseTampering.editAuditSubject(db, AuditVerifier.PAGE + 7, "x"));
        assertThat(reopenAndVerify().firstBadSeq()).isEqualTo(AuditVerifier.PAGE + 7L);
    }

    @Test
    void offlineRowsAreCheckedWithoutAStore() {
        assertThat(AuditVerifier.verifyRows(rows.iterator())).isEqualTo(new AuditVerification(true, EVENTS, null, null));
        AuditRow last = rows.get(EVENTS - 1);
        assertThat(AuditVerifier.verifyRows(rows.iterator(), new AuditRecords.Head(last.seq(), last.hash())).intact())
                .isTrue();

        List<AuditRow> edited = new ArrayList<>(rows);
        AuditRow r = edited.get(2);
        edited.set(2, new AuditRow(r.seq(), r.at(), r.type(), "someone-else", r.source(), r.subject(), r.outcome(),
                r.details(), r.prevHash(), r.hash()));
        assertThat(AuditVerifier.verifyRows(edited.iterator()).problem()).isEqualTo("event 3 was edited");

        List<AuditRow> truncated = rows.subList(0, EVENTS - 1);
        assertThat(AuditVerifier.verifyRows(truncated.iterator(), new AuditRecords.Head(last.seq(), last.hash()))
                .firstBadSeq()).isEqualTo((long) EVENTS);

        List<AuditRow> reordered = new ArrayList<>(rows);
        reordered.set(0, rows.get(1));
        reordered.set(1, rows.get(0));
        assertThat(AuditVerifier.verifyRows(reordered.iterator()).problem()).isEqualTo("event 1 is missing");
    }
}
