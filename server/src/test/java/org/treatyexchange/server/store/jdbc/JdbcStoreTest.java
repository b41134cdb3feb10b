package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;
import org.treatyexchange.server.store.SubmissionRecords;

/** The store's contract, on embedded Derby and on a real PostgreSQL server (a fresh database per test). */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcStoreTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    Path dbDir;
    TestDatabase database;
    Store store;

    @BeforeEach
    void open() throws Exception {
        dbDir = temp.resolve("data").resolve("db");
        database = TestDatabase.create(kind);
        store = database.open(dbDir);
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) {
            store.close();
        }
        database.close();
    }

    /** A plain JDBC connection behind the store's back; Derby's is shut down by {@link #release}. */
    Connection connect() throws SQLException {
        return database.connect(dbDir);
    }

    void release() throws SQLException {
        if (kind == TestDatabase.Kind.DERBY) {
            DatabaseTampering.shutdown(dbDir);
        }
    }

    static FilingRecord filing(String id, String state, String account, String fileName, long size) {
        return new FilingRecord(id, state, account, "SHA256:abc", "sftp", fileName, "att-annual", "2025",
                ConfidentialityLevel.STATES_PARTIES, List.of(), false, null, size,
                "ab".repeat(32), "blob" + id.toLowerCase().replace("-", ""),
                Instant.parse("2026-11-23T03:16:11.123Z"), "received");
    }

    @Test
    void filingRoundTripsEveryField() throws Exception {
        FilingRecord named = new FilingRecord("20261123T031611Z-AAAA", "FRA", "fra-officer", null, "api",
                "rapport annuel é.pdf", "att-annual", null, ConfidentialityLevel.NAMED, List.of("DEU", "ITA"),
                true, "20261101T000000Z-ZZZZ", 12345L, "cd".repeat(32), "b1",
                Instant.parse("2026-11-23T03:16:11.007Z"), "received");
        store.inTransaction(tx -> {
            tx.filings().insert(named);
            return null;
        });
        Optional<FilingRecord> back = store.read(tx -> tx.filings().byId(named.id()));
        assertThat(back).contains(named);
        assertThat(byId("nope")).isEmpty();
    }

    @Test
    void listFiltersAndOrdersById() throws Exception {
        store.inTransaction(tx -> {
            tx.filings().insert(filing("3-C", "FRA", "fra", "a.pdf", 10));
            tx.filings().insert(filing("1-A", "FRA", "fra", "a.pdf", 20));
            tx.filings().insert(filing("2-B", "DEU", "deu", "b.pdf", 30));
            return null;
        });
        assertThat(ids(store.read(tx -> tx.filings().list(FilingQuery.all())))).containsExactly("1-A", "2-B", "3-C");
        assertThat(ids(store.read(tx -> tx.filings().list(FilingQuery.ofState("FRA"))))).containsExactly("1-A", "3-C");
        assertThat(ids(store.read(tx -> tx.filings().list(new FilingQuery(null, "deu", null, 10)))))
                .containsExactly("2-B");
        assertThat(ids(store.read(tx -> tx.filings().list(new FilingQuery("FRA", "fra", "att-annual", 1)))))
                .containsExactly("1-A");
        assertThat(list(new FilingQuery(null, null, "other", 10))).isEmpty();
    }

    @Test
    void latestByNameIsTheHighestIdUnderThatName() throws Exception {
        store.inTransaction(tx -> {
            tx.filings().insert(filing("20261123T000001Z-A", "FRA", "fra", "a.pdf", 1));
            tx.filings().insert(filing("20261123T000003Z-C", "FRA", "fra", "a.pdf", 1));
            tx.filings().insert(filing("20261123T000002Z-B", "FRA", "fra", "a.pdf", 1));
            tx.filings().insert(filing("20261123T000009Z-D", "FRA", "fra", "other.pdf", 1));
            return null;
        });
        assertThat(latest("FRA", "att-annual", "states-parties", "a.pdf"))
                .map(FilingRecord::id).contains("20261123T000003Z-C");
        assertThat(latest("FRA", "att-annual", "public", "a.pdf")).isEmpty();
        assertThat(latest("DEU", "att-annual", "states-parties", "a.pdf"))
                .isEmpty();
    }

    /**
     * Each new version looks up the newest one under its name, inside the writers' turn: that must read
     * one index entry, not every version. Each database's own account of the statement says what it
     * read: Derby's runtime statistics, PostgreSQL's EXPLAIN ANALYZE.
     */
    @Test
    void theNewestVersionUnderANameIsFoundWithoutReadingOrSortingEveryVersion() throws Exception {
        int versions = 50;
        store.inTransaction(tx -> {
            for (int i = 0; i < versions; i++) {
                tx.filings().insert(filing(String.format("20261123T%06dZ-V", i), "FRA", "fra", "many.pdf", 1));
            }
            // newer filings of the same State under other names, as a real State has: a scan in id order would
            // read them all first
            for (int i = 0; i < 400; i++) {
                tx.filings().insert(filing(String.format("20261124T%06dZ-W", i), "FRA", "fra", "other-" + i + ".pdf", 1));
            }
            return null;
        });
        String newest = String.format("20261123T%06dZ-V", versions - 1);
        if (kind == TestDatabase.Kind.DERBY) {
            String plan = store.read(tx -> {
                Connection c = ((JdbcTx) tx).connection();
                try (Statement st = c.createStatement()) {
                    st.execute("CALL SYSCS_UTIL.SYSCS_SET_RUNTIMESTATISTICS(1)");
                    assertThat(tx.filings().latestByName("FRA", "att-annual", "states-parties", "many.pdf"))
                            .map(FilingRecord::id).contains(newest);
                    try (ResultSet rs = st.executeQuery("VALUES SYSCS_UTIL.SYSCS_GET_RUNTIMESTATISTICS()")) {
                        rs.next();
                        String text = rs.getString(1);
                        st.execute("CALL SYSCS_UTIL.SYSCS_SET_RUNTIMESTATISTICS(0)");
                        return text;
                    }
                }
            });
            assertThat(plan).contains("FILING_NAME_IDX").doesNotContain("Sort ResultSet");
            java.util.regex.Matcher visited = java.util.regex.Pattern.compile("Number of rows visited=(\\d+)").matcher(plan);
            assertThat(visited.find()).as(plan).isTrue();
            assertThat(Integer.parseInt(visited.group(1))).as(plan).isLessThanOrEqualTo(2);
        } else {
            assertThat(latest("FRA", "att-annual", "states-parties", "many.pdf")).map(FilingRecord::id).contains(newest);
            store.inTransaction(tx -> {
                try (Statement st = ((JdbcTx) tx).connection().createStatement()) {
                    st.execute("ANALYZE filing"); // statistics, as autovacuum would gather them
                }
                return null;
            });
            String plan = store.read(tx -> {
                Connection c = ((JdbcTx) tx).connection();
                try (Statement st = c.createStatement()) {
                    // a few hundred rows fit a few pages, where a sequential scan is cheapest: ask what the best index path reads.
                    st.execute("SET LOCAL enable_seqscan = off");
                    st.execute("SET LOCAL enable_bitmapscan = off");
                    StringBuilder text = new StringBuilder();
                    try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id FROM filing"
                            + " WHERE state_code = 'FRA' AND report_type = 'att-annual' AND confidentiality = 'states-parties'"
                            + " AND file_name = 'many.pdf' ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")) {
                        while (rs.next()) {
                            text.append(rs.getString(1)).append('\n');
                        }
                    }
                    return text.toString();
                }
            });
            assertThat(plan).contains("Index").doesNotContain("Sort");
            java.util.regex.Matcher removed = java.util.regex.Pattern.compile("Rows Removed by Filter: (\\d+)").matcher(plan);
            assertThat(removed.find() ? Integer.parseInt(removed.group(1)) : 0).as(plan).isLessThanOrEqualTo(1);
            java.util.regex.Matcher rows = java.util.regex.Pattern.compile("Index (Only )?Scan.*actual rows=(\\d+)").matcher(plan);
            assertThat(rows.find()).as(plan).isTrue();
            assertThat(Integer.parseInt(rows.group(2))).as(plan).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void totalBytesSumsOnlyThatAccount() throws Exception {
        assertThat(total("fra")).isZero();
        store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 5_000_000_000L));
            tx.filings().insert(filing("2", "FRA", "fra", "b", 7));
            tx.filings().insert(filing("3", "DEU", "deu", "c", 100));
            return null;
        });
        assertThat(total("fra")).isEqualTo(5_000_000_007L);
    }

    @Test
    void currentByNameIsTheNewestThatNothingSupersedesFromAnyFolder() throws Exception {
        FilingRecord v1 = filing("20261101T000000Z-AAAA", "FRA", "fra", "r.pdf", 1);
        FilingRecord v2 = filing("20261102T000000Z-BBBB", "FRA", "fra", "r.pdf", 2);
        FilingRecord other = filing("20261103T000000Z-CCCC", "FRA", "fra", "other.pdf", 3);
        store.inTransaction(tx -> {
            tx.filings().insert(v1);
            tx.filings().insert(v2);
            tx.filings().insert(other);
            return null;
        });
        String level = ConfidentialityLevel.STATES_PARTIES.wireName();
        assertThat(current("FRA", "att-annual", level, "r.pdf")).map(FilingRecord::id).contains(v2.id());
        assertThat(current("DEU", "att-annual", level, "r.pdf")).isEmpty();
        assertThat(current("FRA", "att-annual", ConfidentialityLevel.PUBLIC.wireName(), "r.pdf")).isEmpty();
        // a newer version whose conflict sent it to the secretariat still supersedes v2 in its folder
        FilingRecord v3 = new FilingRecord("20261104T000000Z-DDDD", "FRA", "fra", "SHA256:abc", "sftp", "r.pdf", "att-annual",
                "2025", ConfidentialityLevel.SECRETARIAT, List.of(), false, v2.id(), 4, "ab".repeat(32), "blobd",
                Instant.parse("2026-11-23T03:16:11.123Z"), "received");
        store.inTransaction(tx -> {
            tx.filings().insert(v3);
            return null;
        });
        // v1 is the newest that nothing names as superseded, as the folder listing has always shown it
        assertThat(current("FRA", "att-annual", level, "r.pdf")).map(FilingRecord::id).contains(v1.id());
        assertThat(current("FRA", "att-annual", ConfidentialityLevel.SECRETARIAT.wireName(), "r.pdf")).map(FilingRecord::id)
                .contains(v3.id());
        assertThat(total("fra")).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void aFilingWithinItsAccountsQuotaIsInsertedAndCountedAndOnePastItWritesNothing() throws Exception {
        // the account's first filing (no usage row yet) past the quota, then one within it
        assertThat(withinQuota(filing("1-A", "FRA", "fra", "a.pdf", 101), 100)).isFalse();
        assertThat(withinQuota(filing("1-A", "FRA", "fra", "a.pdf", 60), 100)).isTrue();
        // an account that has filed: up to the quota exactly, then one byte past it
        assertThat(withinQuota(filing("2-B", "FRA", "fra", "b.pdf", 40), 100)).isTrue();
        assertThat(withinQuota(filing("3-C", "FRA", "fra", "c.pdf", 1), 100)).isFalse();
        assertThat(total("fra")).isEqualTo(100);
        Optional<FilingRecord> refused = store.read(tx -> tx.filings().byId("3-C"));
        assertThat(refused).isEmpty();
        Optional<FilingRecord> kept = store.read(tx -> tx.filings().byId("2-B"));
        assertThat(kept).map(FilingRecord::size).contains(40L);
        // another account's count is its own
        assertThat(withinQuota(filing("4-D", "DEU", "deu", "d.pdf", 1), 100)).isTrue();
        assertThat(total("deu")).isEqualTo(1);
        assertThat(total("fra")).isEqualTo(100);
    }

    private boolean withinQuota(FilingRecord f, long quota) throws StoreException {
        return store.inTransaction(tx -> tx.filings().insertWithinQuota(f, quota));
    }

    @Test
    void aNewFilingsFirstDecisionIsStepOneAndASecondFirstDecisionFailsInsteadOfOverwritingIt() throws Exception {
        FilingRecord f = filing("1-A", "FRA", "fra", "a.pdf", 1);
        store.inTransaction(tx -> {
            tx.filings().insert(f);
            tx.routing().decideFirst(f.id(), "pending", "router", "routed", Instant.parse("2026-11-23T03:16:12Z"));
            return null;
        });
        assertThat(steps(f.id())).containsExactly("1 pending");
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.routing().decideFirst(f.id(), "released", "router", "again", Instant.parse("2026-11-23T03:16:13Z"));
            return null;
        })).isInstanceOf(StoreException.class);
        assertThat(steps(f.id())).containsExactly("1 pending");
    }

    private List<String> steps(String filingId) throws StoreException {
        List<org.treatyexchange.server.store.RoutingRecords.Decision> decisions = store.read(tx -> tx.routing().decisions(filingId));
        return decisions.stream().map(d -> d.seq() + " " + d.status()).toList();
    }

    @Test
    void theUsageRowIsFilledFromTheFilingsADatabaseAlreadyHeld() throws Exception {
        store.close();
        store = null;
        database.close();
        database = TestDatabase.create(kind); // empty again
        Path old = temp.resolve("old-db");
        dbDir = old;
        if (kind == TestDatabase.Kind.DERBY) {
            String url = "jdbc:derby:" + old.toAbsolutePath();
            org.flywaydb.core.Flyway.configure(JdbcStores.class.getClassLoader()).dataSource(url + ";create=true", null, null)
                    .locations("classpath:db/migration").target("5").load().migrate();
        } else {
            org.flywaydb.core.Flyway.configure(JdbcStores.class.getClassLoader())
                    .dataSource(database.url(), database.settings().user(), database.settings().password())
                    .locations("classpath:db/migration").target("5").load().migrate();
        }
        try (Connection c = connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            int n = 0;
            for (String[] f : new String[][] {{"fra", "100"}, {"fra", "23"}, {"deu", "7"}}) {
                st.executeUpdate("INSERT INTO filing (id, state_code, account, channel, file_name, report_type, confidentiality,"
                        + " named_states, withheld, size_bytes, sha256, blob_id, received_at, status) VALUES ('id" + (++n)
                        + "', 'X', '" + f[0] + "', 'sftp', 'f', 't', 'public', '', FALSE, " + f[1] + ", 'h', 'b" + n
                        + "', {ts '2026-11-01 00:00:00'}, 'received')");
            }
        } finally {
            release();
        }
        store = database.open(old); // migrates to the current version
        assertThat(total("fra")).isEqualTo(123);
        assertThat(total("deu")).isEqualTo(7);
        assertThat(total("nobody")).isZero();
        store.inTransaction(tx -> {
            tx.filings().insert(filing("20261105T000000Z-EEEE", "FRA", "fra", "new.pdf", 1000));
            return null;
        });
        assertThat(total("fra")).isEqualTo(1123);
    }

    @Test
    void duplicateIdIsRefusedAndTheWholeTransactionRollsBack() throws Exception {
        store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "original.pdf", 1));
            return null;
        });
        AtomicInteger afterCommit = new AtomicInteger();
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.afterCommit(afterCommit::incrementAndGet);
            tx.filings().insert(filing("2", "FRA", "fra", "second.pdf", 1));
            tx.filings().insert(filing("1", "FRA", "fra", "impostor.pdf", 1));
            return null;
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.DUPLICATE);
            assertThat(e.getMessage()).doesNotContainIgnoringCase("insert into").doesNotContain(temp.toString());
        });
        assertThat(afterCommit).hasValue(0);
        assertThat(byId("1")).map(FilingRecord::fileName).contains("original.pdf");
        assertThat(byId("2")).isEmpty();
    }

    @Test
    void aSubmissionIdIsUsedOncePerStateAndAClashIsADuplicate() throws Exception {
        Instant at = Instant.parse("2026-11-23T03:16:11.123Z");
        SubmissionRecords.Used first = new SubmissionRecords.Used("FRA", "client-chosen-id-0001", "1", "ab".repeat(32), "r.pdf",
                "att-annual", "fra", at);
        store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "r.pdf", 1));
            tx.filings().insert(filing("2", "DEU", "deu", "r.pdf", 1));
            tx.submissions().insert(first);
            // another State may use the same id
            tx.submissions().insert(new SubmissionRecords.Used("DEU", "client-chosen-id-0001", "2", "cd".repeat(32), "r.pdf",
                    "att-annual", "deu", at));
            return null;
        });
        assertThat(used("FRA", "client-chosen-id-0001")).contains(first);
        assertThat(used("DEU", "client-chosen-id-0001")).map(SubmissionRecords.Used::filingId).contains("2");
        assertThat(used("FRA", "client-chosen-id-0002")).isEmpty();
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.submissions().insert(new SubmissionRecords.Used("FRA", "client-chosen-id-0001", "1", "ef".repeat(32), "other.pdf",
                    "att-annual", "fra", at));
            return null;
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DUPLICATE));
        assertThat(used("FRA", "client-chosen-id-0001")).contains(first);
    }

    Optional<SubmissionRecords.Used> used(String state, String id) throws StoreException {
        return store.read(tx -> tx.submissions().find(state, id));
    }

    boolean removed(ManifestRecords.Waiting manifest) throws StoreException {
        return store.inTransaction(tx -> tx.manifests().remove(manifest));
    }

    Optional<ManifestRecords.Waiting> waiting(ManifestRecords.Slot slot) throws StoreException {
        return store.read(tx -> tx.manifests().find(slot));
    }

    @Test
    void aManifestIsRemovedOnlyAsTheVeryOneReadNotAReplacementInItsSlot() throws Exception {
        ManifestRecords.Slot slot = new ManifestRecords.Slot("FRA", "att-annual", "public", "r.pdf");
        ManifestRecords.Waiting read = new ManifestRecords.Waiting(slot, "fra", "{\"a\":1}", Instant.parse("2026-11-23T03:16:11.123Z"));
        ManifestRecords.Waiting replacement = new ManifestRecords.Waiting(slot, "fra", "{\"a\":1}", Instant.parse("2026-11-23T03:16:11.124Z"));
        store.inTransaction(tx -> {
            tx.manifests().put(read);
            tx.manifests().put(replacement);
            return null;
        });
        assertThat(removed(read)).isFalse();
        assertThat(waiting(slot)).contains(replacement);
        assertThat(removed(replacement)).isTrue();
        assertThat(waiting(slot)).isEmpty();
    }

    @Test
    void receiptsRoundTripOnceOnly() throws Exception {
        byte[] cms = new byte[6000];
        for (int i = 0; i < cms.length; i++) {
            cms[i] = (byte) i;
        }
        store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 1));
            tx.filings().insertReceipt("1", cms);
            return null;
        });
        assertThat(receipt("1")).hasValueSatisfying(r -> assertThat(r).isEqualTo(cms));
        assertThat(receipt("2")).isEmpty();
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.filings().insertReceipt("1", new byte[] {1});
            return null;
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DUPLICATE));
        assertThat(receipt("1")).hasValueSatisfying(r -> assertThat(r).isEqualTo(cms));
    }

    @Test
    void documentKeysRotate() throws Exception {
        store.inTransaction(tx -> {
            tx.documentKeys().insert(new DocumentKey("b1", "mk1", new byte[] {1, 2, 3}));
            tx.documentKeys().insert(new DocumentKey("b2", "mk1", new byte[] {4}));
            tx.documentKeys().insert(new DocumentKey("b3", "mk2", new byte[] {5}));
            return null;
        });
        List<DocumentKey> old = notWrappedBy("mk2", 10);
        assertThat(old).extracting(DocumentKey::blobId).containsExactly("b1", "b2");
        assertThat(notWrappedBy("mk2", 1)).hasSize(1);

        store.inTransaction(tx -> {
            tx.documentKeys().rewrap(new DocumentKey("b1", "mk2", new byte[] {9, 9}));
            return null;
        });
        assertThat(notWrappedBy("mk2", 10))
                .extracting(DocumentKey::blobId).containsExactly("b2");
        DocumentKey b1 = key("b1").orElseThrow();
        assertThat(b1.masterKeyId()).isEqualTo("mk2");
        assertThat(b1.wrappedKey()).containsExactly(9, 9);
        assertThat(allBlobIds()).containsExactly("b1", "b2", "b3");
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.documentKeys().insert(new DocumentKey("b1", "mk3", new byte[] {0}));
            return null;
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DUPLICATE));
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.documentKeys().rewrap(new DocumentKey("missing", "mk3", new byte[] {0}));
            return null;
        })).isInstanceOf(StoreException.class);
    }

    @Test
    void workThatThrowsRollsBackAndSkipsAfterCommit() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 1));
            tx.afterCommit(ran::incrementAndGet);
            throw boom;
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.ABORTED);
            assertThat(e.getCause()).isSameAs(boom);
        });
        assertThat(ran).hasValue(0);
        assertThat(byId("1")).isEmpty();

        StoreException own = new StoreException(Reason.UNAVAILABLE, "mine", null);
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            throw own;
        })).isSameAs(own);
    }

    @Test
    void afterCommitRunsInOrderAfterTheCommitAndSurvivesAFailingAction() throws Exception {
        List<String> seen = new ArrayList<>();
        String result = store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 1));
            tx.afterCommit(() -> seen.add("first"));
            tx.afterCommit(() -> {
                throw new IllegalStateException("announcement failed");
            });
            // Visible from another transaction: proves the action runs after the commit.
            tx.afterCommit(() -> {
                try {
                    seen.add(byId("1").isPresent() ? "committed" : "not yet");
                } catch (StoreException e) {
                    seen.add(e.toString());
                }
            });
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(seen).containsExactly("first", "committed");
    }

    @Test
    void aTxIsUnusableAfterItsTransaction() throws Exception {
        var leaked = store.read(tx -> tx);
        assertThatThrownBy(() -> leaked.filings().byId("1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readRefusesWrites() {
        assertThatThrownBy(() -> store.read(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 1));
            return null;
        })).isInstanceOf(StoreException.class);
    }

    @Test
    void lockConflictsAreRetriedThenReportedAsUnavailable() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String result = store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 1));
            if (attempts.incrementAndGet() < 3) {
                // what the records throw on a Derby deadlock
                throw SqlErrors.map(new SQLException("deadlock", "40001"), "insert filing");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
        assertThat(byId("1")).isPresent();

        AtomicInteger always = new AtomicInteger();
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            always.incrementAndGet();
            throw new SQLException("Lock timeout on T_FILING in /secret/path", "40XL1");
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.getMessage()).doesNotContain("/secret/path").doesNotContain("T_FILING");
        });
        assertThat(always).hasValue(JdbcStore.MAX_ATTEMPTS);
    }

    @Test
    void otherSqlErrorsAreUnavailableWithoutSqlText() {
        StoreException e = SqlErrors.map(new SQLException("syntax error near SELECT secret FROM /data/db", "42X01"),
                "list filings");
        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("list filings: database unavailable (SQLState 42X01)");
        assertThat(SqlErrors.map(new SQLException("dup", "23505"), "x").reason()).isEqualTo(Reason.DUPLICATE);
        for (String state : List.of("40001", "40XL1", "40P01")) {
            assertThat(SqlErrors.isRetryable(new SQLException("x", state))).as(state).isTrue();
        }
    }

    @Test
    void dataSurvivesCloseAndReopen() throws Exception {
        store.inTransaction(tx -> {
            tx.filings().insert(filing("1", "FRA", "fra", "a", 42));
            tx.filings().insertReceipt("1", new byte[] {7});
            tx.documentKeys().insert(new DocumentKey("b1", "mk1", new byte[] {1}));
            return null;
        });
        store.close();
        store = database.open(dbDir);
        assertThat(byId("1")).map(FilingRecord::size).contains(42L);
        assertThat(receipt("1")).hasValueSatisfying(r -> assertThat(r).containsExactly(7));
        assertThat(key("b1")).isPresent();
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();
        assertThatThrownBy(() -> store.read(tx -> null))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
        store.close(); // idempotent
        store = null;
    }

    @Test
    void migrationsAreRecordedByFlywayAndNotRerun() throws Exception {
        store.close();
        store = database.open(dbDir); // second open: Flyway finds V1 applied and runs nothing
        store.close();
        store = null;
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL")) {
            List<String> applied = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getBoolean(2)).isTrue();
                applied.add(rs.getString(1));
            }
            // each migration file exactly once, in order
            List<String> shipped;
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
                shipped = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
            }
            assertThat(shipped).isNotEmpty();
            assertThat(applied).containsExactlyElementsOf(shipped);
        } finally {
            release();
        }
    }

    @Test
    void instantsRoundTripExactlyWhateverTheDefaultZone() throws Exception {
        TimeZone saved = TimeZone.getDefault();
        // 02:30 on this date does not exist in New York (DST gap): a zone-naive mapping would shift it.
        Instant inGap = Instant.parse("2026-03-08T02:30:00.123Z");
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            FilingRecord f = new FilingRecord("1", "FRA", "fra", null, "sftp", "a", "t", null,
                    ConfidentialityLevel.PUBLIC, List.of(), false, null, 1, "00", "b", inGap, "received");
            store.inTransaction(tx -> {
                tx.filings().insert(f);
                return null;
            });
            assertThat(byId("1")).map(FilingRecord::receivedAt).contains(inGap);
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
            assertThat(byId("1")).map(FilingRecord::receivedAt).contains(inGap);
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void auditAppendNeedsTheLockAndFollowsTheHead() throws Exception {
        String zeros = "0".repeat(64);
        assertThat(head()).isEqualTo(new AuditRecords.Head(0, zeros));
        AuditRow first = new AuditRow(1, Instant.parse("2026-01-01T00:00:00.001Z"), "t", "-", "local", "-", "ok",
                "{}", zeros, "1".repeat(64));
        // A read-only transaction never holds the head, so it cannot append; every write transaction holds it from its start.
        assertThatThrownBy(() -> store.read(tx -> {
            tx.audit().append(first);
            return null;
        })).isInstanceOf(StoreException.class).hasCauseInstanceOf(IllegalStateException.class);
        store.inTransaction(tx -> {
            assertThat(tx.audit().lockHead().seq()).isZero();
            tx.audit().append(first);
            return null;
        });
        assertThat(head()).isEqualTo(new AuditRecords.Head(1, "1".repeat(64)));
        assertThat(after(0, 10)).containsExactly(first);
        // A row that does not chain onto the head is refused, and nothing of it stays.
        AuditRow fork = new AuditRow(2, first.at(), "t", "-", "local", "-", "ok", "{}", "9".repeat(64), "2".repeat(64));
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.audit().lockHead();
            tx.audit().append(fork);
            return null;
        })).isInstanceOf(StoreException.class);
        assertThat(after(0, 10)).containsExactly(first);
    }

    private Optional<FilingRecord> byId(String id) throws StoreException {
        return store.read(tx -> tx.filings().byId(id));
    }

    private List<FilingRecord> list(FilingQuery q) throws StoreException {
        return store.read(tx -> tx.filings().list(q));
    }

    private Optional<FilingRecord> latest(String state, String type, String level, String name) throws StoreException {
        return store.read(tx -> tx.filings().latestByName(state, type, level, name));
    }

    private Optional<FilingRecord> current(String state, String type, String level, String name) throws StoreException {
        return store.read(tx -> tx.filings().currentByName(state, type, level, name));
    }

    private long total(String account) throws StoreException {
        return store.read(tx -> tx.filings().totalBytesOfAccount(account));
    }

    private Optional<byte[]> receipt(String id) throws StoreException {
        return store.read(tx -> tx.filings().receipt(id));
    }

    private List<DocumentKey> notWrappedBy(String masterKeyId, int limit) throws StoreException {
        return store.read(tx -> tx.documentKeys().notWrappedBy(masterKeyId, limit));
    }

    private Optional<DocumentKey> key(String blobId) throws StoreException {
        return store.read(tx -> tx.documentKeys().byBlobId(blobId));
    }

    private List<String> allBlobIds() throws StoreException {
        return store.read(tx -> tx.documentKeys().allBlobIds());
    }

    private AuditRecords.Head head() throws StoreException {
        return store.read(tx -> tx.audit().head());
    }

    private List<AuditRow> after(long seq, int limit) throws StoreException {
        return store.read(tx -> tx.audit().after(seq, limit));
    }

    static List<String> ids(List<FilingRecord> filings) {
        return filings.stream().map(FilingRecord::id).toList();
    }

}
