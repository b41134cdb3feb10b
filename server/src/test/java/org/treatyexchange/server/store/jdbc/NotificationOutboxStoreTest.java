package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.NotificationRecords;
import org.treatyexchange.server.store.NotificationRecords.Mail;
import org.treatyexchange.server.store.NotificationRecords.NewMail;
import org.treatyexchange.server.store.Store;

/**
 * The notification outbox's contract on embedded Derby and on PostgreSQL: a mail is claimed by one sender only, however
 * many race for it (on PostgreSQL two stores, as two nodes); a claim expires; a rolled-back event leaves no mail; a
 * reminder is noted once.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class NotificationOutboxStoreTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    TestDatabase database;
    Store node1;
    Store node2;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        node1 = database.open(temp.resolve("db"));
        // Derby is embedded: one store per database, so the two "nodes" share it; PostgreSQL gets a second pool
        node2 = kind == TestDatabase.Kind.DERBY ? node1 : database.open(temp.resolve("other"));
    }

    @AfterEach
    void close() throws Exception {
        if (node2 != node1) {
            node2.close();
        }
        node1.close();
        database.close();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static NewMail mail(int i) {
        return new NewMail("poc" + i + "@example.org", "filing-received", "F" + i, "ARC", "subject " + i, "body " + i, false);
    }

    /** Reads what is due and claims it, as a sender does; returns the ids this node won. */
    static List<Long> claimAll(Store store, String node) throws Exception {
        List<Long> won = new ArrayList<>();
        for (Mail m : store.read(tx -> tx.notifications().due(now(), 1000))) {
            Instant at = now();
            if (store.inTransaction(tx -> tx.notifications().claim(m.id(), m.attempts(), node, at, at.plusSeconds(60)))) {
                won.add(m.id());
            }
        }
        return won;
    }

    @Test
    void ofTwoNodesRacingForTheSameMailsEachMailIsClaimedByExactlyOne() throws Exception {
        int n = 40;
        node1.inTransaction(tx -> {
            for (int i = 0; i < n; i++) {
                tx.notifications().enqueue(mail(i), now());
            }
            return null;
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<Long>>> racers = List.of(() -> claimAll(node1, "node-a"), () -> claimAll(node2, "node-b"),
                    () -> claimAll(node1, "node-c"), () -> claimAll(node2, "node-d"));
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : pool.invokeAll(racers)) {
                all.addAll(f.get());
            }
            assertThat(all).hasSize(n).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
        // claimed, nothing is due until the claims expire
        assertThat((List<Mail>) node2.read(tx -> tx.notifications().due(now(), 1000))).isEmpty();
        assertThat((List<Mail>) node1.read(tx -> tx.notifications().withStatus(NotificationRecords.SENDING, 1000))).hasSize(n)
                .allMatch(m -> m.attempts() == 1);
    }

    @Test
    void aClaimThatExpiresIsClaimedAgainAndOnlyTheCurrentHolderMarksTheMail() throws Exception {
        long id = node1.inTransaction(tx -> tx.notifications().enqueue(mail(1), now()));
        Instant t0 = now();
        assertThat((boolean) node1.inTransaction(tx -> tx.notifications().claim(id, 0, "node-a", t0, t0.plusMillis(1)))).isTrue();
        Thread.sleep(20);
        // node-a died mid-send: its claim expired, node-b takes the mail over
        Mail due = node2.read(tx -> tx.notifications().due(now(), 10)).get(0);
        assertThat(due.id()).isEqualTo(id);
        Instant t1 = now();
        assertThat((boolean) node2.inTransaction(tx -> tx.notifications().claim(id, due.attempts(), "node-b", t1, t1.plusSeconds(60)))).isTrue();
        // a late node-a can neither claim it with what it read nor mark it
        assertThat((boolean) node1.inTransaction(tx -> tx.notifications().claim(id, 0, "node-a", now(), now().plusSeconds(60)))).isFalse();
        assertThat((boolean) node1.inTransaction(tx -> tx.notifications().sent(id, "node-a", now()))).isFalse();
        assertThat((boolean) node2.inTransaction(tx -> tx.notifications().sent(id, "node-b", now()))).isTrue();
        Mail sent = node1.read(tx -> tx.notifications().byId(id)).orElseThrow();
        assertThat(sent.status()).isEqualTo(NotificationRecords.SENT);
        assertThat(sent.attempts()).isEqualTo(2);
        assertThat(sent.claimedBy()).isEqualTo("node-b");
    }

    @Test
    void aRetryWaitsForItsTimeAndAFailureForGoodIsListed() throws Exception {
        long id = node1.inTransaction(tx -> tx.notifications().enqueue(mail(2), now()));
        Instant t0 = now();
        node1.inTransaction(tx -> tx.notifications().claim(id, 0, "node-a", t0, t0.plusSeconds(60)));
        node1.inTransaction(tx -> tx.notifications().retry(id, "node-a", t0.plus(Duration.ofHours(1)), "connection refused"));
        assertThat((List<Mail>) node2.read(tx -> tx.notifications().due(now(), 10))).isEmpty();
        Mail later = node2.read(tx -> tx.notifications().due(t0.plus(Duration.ofHours(2)), 10)).get(0);
        assertThat(later.lastError()).isEqualTo("connection refused");
        node2.inTransaction(tx -> tx.notifications().claim(id, later.attempts(), "node-b", t0.plus(Duration.ofHours(2)),
                t0.plus(Duration.ofHours(3))));
        assertThat((boolean) node2.inTransaction(tx -> tx.notifications().failed(id, "node-b", "x".repeat(2000)))).isTrue();
        List<Mail> failed = node1.read(tx -> tx.notifications().withStatus(NotificationRecords.FAILED, 10));
        assertThat(failed).extracting(Mail::id).containsExactly(id);
        assertThat(failed.get(0).lastError()).hasSize(512);
    }

    @Test
    void aMailWrittenWithAnEventThatRollsBackDoesNotExist() throws Exception {
        try {
            node1.inTransaction(tx -> {
                tx.notifications().enqueue(mail(3), now());
                throw new IllegalStateException("the event failed");
            });
        } catch (org.treatyexchange.server.store.StoreException expected) {
            assertThat(expected).hasRootCauseMessage("the event failed");
        }
        assertThat((List<Mail>) node1.read(tx -> tx.notifications().ofFiling("F3"))).isEmpty();
        assertThat((List<Mail>) node1.read(tx -> tx.notifications().due(now(), 10))).isEmpty();
    }

    @Test
    void aReminderIsNotedOnceWhoeverNotesIt() throws Exception {
        Set<Boolean> answers = Collections.synchronizedSet(new HashSet<>());
        assertThat((boolean) node1.inTransaction(tx -> tx.notifications().noteReminder("BOR", "annual-report", "2025", "30", now()))).isTrue();
        answers.add((boolean) node2.inTransaction(tx -> tx.notifications().noteReminder("BOR", "annual-report", "2025", "30", now())));
        answers.add((boolean) node1.inTransaction(tx -> tx.notifications().noteReminder("BOR", "annual-report", "2025", "30", now())));
        assertThat(answers).containsExactly(false);
        // another reminder, period or State is another row
        assertThat((boolean) node2.inTransaction(tx -> tx.notifications().noteReminder("BOR", "annual-report", "2025", "7", now()))).isTrue();
        assertThat((boolean) node2.inTransaction(tx -> tx.notifications().noteReminder("BOR", "initial-report", "-", "30", now()))).isTrue();
        assertThat((boolean) node2.inTransaction(tx -> tx.notifications().noteReminder("SYL", "annual-report", "2025", "30", now()))).isTrue();
    }
}
