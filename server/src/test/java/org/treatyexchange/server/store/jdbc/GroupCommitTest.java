package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.treatyexchange.server.store.jdbc.JdbcStoreTest.filing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;

/**
 * Group commit on a real database, Derby and PostgreSQL: works that queue while a commit is under way
 * share the next transaction, yet each succeeds or fails on its own, exactly once (on PostgreSQL a
 * failed statement poisons the whole transaction unless its savepoint is rolled back: this proves it is).
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class GroupCommitTest {

    private static final int QUEUED = 10;

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    TestDatabase database;
    JdbcStore store;
    ExecutorService callers;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = (JdbcStore) database.open(temp.resolve("db"));
        callers = Executors.newFixedThreadPool(QUEUED + 1);
    }

    @AfterEach
    void close() throws Exception {
        callers.shutdownNow();
        callers.awaitTermination(30, TimeUnit.SECONDS);
        store.close();
        database.close();
    }

    /** Starts a work that holds the leader (and so every other writer) until {@code release} opens, and waits until it runs. */
    private CompletableFuture<Object> holdTheCommitter(CountDownLatch release) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Object> first = submit(tx -> {
            running.countDown();
            release.await();
            tx.filings().insert(filing("first", "FRA", "fra", "first.pdf", 1));
            return "first";
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    private CompletableFuture<Object> submit(Store.TxWork<Object> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return store.inTransaction(work);
            } catch (StoreException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, callers);
    }

    private List<CompletableFuture<Object>> queue(int n, java.util.function.IntFunction<Store.TxWork<Object>> work) {
        List<CompletableFuture<Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(submit(work.apply(i)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> store.writes().queued() == n);
        return out;
    }

    @Test
    void worksThatQueuedDuringACommitShareTheNextTransactionAndAllCommit() throws Exception {
        long before = store.writes().commits();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = holdTheCommitter(release);
        ConcurrentLinkedQueue<String> afterCommit = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Object>> queued = queue(QUEUED, i -> tx -> {
            tx.filings().insert(filing("q" + i, "FRA", "fra", "q" + i + ".pdf", 10));
            tx.afterCommit(() -> afterCommit.add("q" + i));
            return i;
        });
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("first");
        for (int i = 0; i < QUEUED; i++) {
            assertThat(queued.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(store.writes().commits() - before).as("database commits for 11 works").isEqualTo(2);
        assertThat(afterCommit).hasSize(QUEUED);
        assertThat(filings()).hasSize(QUEUED + 1);
        assertThat(usage()).isEqualTo(QUEUED * 10 + 1);
    }

    @Test
    void aWorkThatFailsInABatchRollsBackAloneAndOnlyItsCallerSeesTheFailure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = holdTheCommitter(release);
        ConcurrentLinkedQueue<String> afterCommit = new ConcurrentLinkedQueue<>();
        int failing = 4;
        List<CompletableFuture<Object>> queued = queue(QUEUED, i -> tx -> {
            tx.filings().insert(filing("q" + i, "FRA", "fra", "q" + i + ".pdf", 10));
            tx.afterCommit(() -> afterCommit.add("q" + i));
            if (i == failing) {
                throw new IllegalArgumentException("refused by the work itself");
            }
            // sees what the works before it in the batch wrote, as if they had committed
            return tx.filings().list(FilingQuery.ofState("FRA")).size();
        });
        release.countDown();
        first.get(30, TimeUnit.SECONDS);

        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < QUEUED; i++) {
            CompletableFuture<Object> f = queued.get(i);
            if (i == failing) {
                assertThat(f).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOfSatisfying(StoreException.class,
                                e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.ABORTED));
            } else {
                seen.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        // In whatever order they queued, the works that succeeded saw the first work's filing, those of
        // the works before them and their own, and never the failed work's.
        List<Object> expected = new ArrayList<>();
        for (int n = 2; n <= QUEUED; n++) {
            expected.add(n);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(byId("q" + failing)).isEmpty();
        assertThat(filings()).hasSize(QUEUED);
        assertThat(usage()).isEqualTo((QUEUED - 1) * 10 + 1);
        assertThat(afterCommit).hasSize(QUEUED - 1).doesNotContain("q" + failing);
    }

    @Test
    void worksOfOneBatchChainTheirAuditEventsOnTheHeadItLockedOnceAndAWorkRolledBackAfterChainingLeavesNoGap() throws Exception {
        AuditLog audit = new AuditLog(java.time.Clock.systemUTC());
        long before = store.writes().commits();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = holdTheCommitter(release);
        int failing = 4;
        List<CompletableFuture<Object>> queued = queue(QUEUED, i -> tx -> {
            audit.appendNow(tx, AuditEvent.ok("test.first", "actor", "-", "q" + i)); // chained now
            audit.append(tx, AuditEvent.ok("test.second", "actor", "-", "q" + i)); // chained just before the work ends
            tx.beforeCommit(() -> {
                if (i == failing) { // after both of its events moved the head
                    throw new StoreException(StoreException.Reason.ABORTED, "refused after chaining", null);
                }
            });
            return i;
        });
        release.countDown();
        first.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < QUEUED; i++) {
            CompletableFuture<Object> f = queued.get(i);
            if (i == failing) {
                assertThat(f).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOf(StoreException.class);
            } else {
                assertThat(f.get(30, TimeUnit.SECONDS)).as("work " + i).isEqualTo(i);
            }
        }
        assertThat(store.writes().commits() - before).as("database commits for 11 works").isEqualTo(2);
        // The works after the failed one chained onto the head as it was before it, not onto its rolled-back events.
        List<AuditRow> rows = store.read(tx -> tx.audit().after(0, 1000));
        assertThat(rows).hasSize(2 * (QUEUED - 1)).noneMatch(r -> r.subject().equals("q" + failing));
        AuditVerification verified = AuditVerifier.verify(store);
        assertThat(verified.intact()).as(String.valueOf(verified.problem())).isTrue();
        assertThat(verified.eventsChecked()).isEqualTo(2L * (QUEUED - 1));
    }

    @Test
    void aWorkWhoseStatementTheDatabaseRefusesRollsBackAloneAndTheRestOfItsBatchCommits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = holdTheCommitter(release);
        int clashing = 3;
        List<CompletableFuture<Object>> queued = queue(QUEUED, i -> tx -> {
            // the held work's filing commits in the batch before: this insert clashes in the database itself
            tx.filings().insert(filing(i == clashing ? "first" : "q" + i, "FRA", "fra", "q" + i + ".pdf", 10));
            return tx.filings().byId("q" + i).isPresent() || i == clashing;
        });
        release.countDown();
        first.get(30, TimeUnit.SECONDS);

        for (int i = 0; i < QUEUED; i++) {
            CompletableFuture<Object> f = queued.get(i);
            if (i == clashing) {
                assertThat(f).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOfSatisfying(StoreException.class,
                                e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.DUPLICATE));
            } else {
                // statements after the refused one, in the same database transaction, still work
                assertThat(f.get(30, TimeUnit.SECONDS)).as("work " + i).isEqualTo(true);
            }
        }
        assertThat(filings()).hasSize(QUEUED);
        assertThat(byId("first")).map(FilingRecord::fileName).contains("first.pdf");
        assertThat(usage()).isEqualTo((QUEUED - 1) * 10 + 1);
    }

    @Test
    void whenTheDatabaseAbandonsTheWholeTransactionTheOtherWorksRunAgainAndCommitOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = holdTheCommitter(release);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger loserRuns = new AtomicInteger();
        ConcurrentLinkedQueue<Integer> firstPass = new ConcurrentLinkedQueue<>(); // the order the batch ran them in
        int loser = 6;
        List<CompletableFuture<Object>> queued = queue(QUEUED, i -> tx -> {
            if (!firstPass.contains(i)) {
                firstPass.add(i);
            }
            if (i == loser && loserRuns.incrementAndGet() == 1) {
                // what Derby does to a deadlock victim: the whole transaction is rolled back under us
                ((JdbcTx) tx).connection().rollback();
                throw SqlErrors.map(new java.sql.SQLException("deadlock", "40001"), "insert filing");
            }
            runs.incrementAndGet();
            tx.filings().insert(filing("q" + i, "FRA", "fra", "q" + i + ".pdf", 10));
            return i;
        });
        release.countDown();
        first.get(30, TimeUnit.SECONDS);

        for (int i = 0; i < QUEUED; i++) {
            assertThat(queued.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
        }
        List<FilingRecord> all = filings();
        assertThat(all).extracting(FilingRecord::id).doesNotHaveDuplicates().hasSize(QUEUED + 1);
        assertThat(loserRuns).hasValue(2);
        // the works before the loser in its batch ran twice (their first run was rolled back with the batch)
        int before = new ArrayList<>(firstPass).indexOf(loser);
        assertThat(before).isNotNegative();
        assertThat(runs.get()).isEqualTo(QUEUED + before);
        assertThat(usage()).isEqualTo(QUEUED * 10 + 1);
    }

    @Test
    void aWriteThatOpensAnotherTransactionFailsInsteadOfWaitingForItself() throws Exception {
        CompletableFuture<Object> nestedWrite = submit(tx -> store.inTransaction(inner -> "never"));
        CompletableFuture<Object> nestedRead = submit(tx -> store.read(inner -> "never"));
        for (CompletableFuture<Object> f : List.of(nestedWrite, nestedRead)) {
            assertThat(f).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(StoreException.class).havingCause().isInstanceOf(IllegalStateException.class);
        }
        String after = store.inTransaction(tx -> "still working");
        assertThat(after).isEqualTo("still working");
    }

    private List<FilingRecord> filings() throws StoreException {
        return store.read(tx -> tx.filings().list(FilingQuery.ofState("FRA")));
    }

    private long usage() throws StoreException {
        return store.read(tx -> tx.filings().totalBytesOfAccount("fra"));
    }

    private java.util.Optional<FilingRecord> byId(String id) throws StoreException {
        return store.read(tx -> tx.filings().byId(id));
    }
}
