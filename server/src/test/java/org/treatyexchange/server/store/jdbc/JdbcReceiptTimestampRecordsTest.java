package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.MessageRecords.MessageRecord;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.ReceiptTimestampRecords.Pending;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Receipt timestamp rows (V15), on embedded Derby and on a real PostgreSQL server: asked for in the receipt's
 * transaction, due after their first retry time, stamped once (a second stamp does not replace the first), and
 * from then on every read of the receipt — filing or message — answers with the stamped copy while the original
 * row stays as issued.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcReceiptTimestampRecordsTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    TestDatabase database;
    Store store;

    static final Instant T0 = Instant.parse("2026-05-31T23:59:58Z");
    static final String FILING = "20260531T235958123Z-AAAAAAAAAA";
    static final byte[] ORIGINAL = "original receipt".getBytes(StandardCharsets.UTF_8);
    static final byte[] MESSAGE_ORIGINAL = "original message receipt".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = database.open(temp.resolve("data").resolve("db"));
        store.inTransaction(tx -> {
            tx.filings().insert(JdbcStoreTest.filing(FILING, "BOR", "borealia-officer", "note.txt", 10));
            tx.filings().insertReceipt(FILING, ORIGINAL);
            tx.messages().insert(new MessageRecord("SYL", "m-1", "filing", "sylvania-system", "ab".repeat(32), "cd".repeat(32), "blob-m1", 5,
                    T0, MESSAGE_ORIGINAL), List.of());
            tx.receiptTimestamps().request(ReceiptTimestampRecords.filing(FILING), T0, T0.plusSeconds(3));
            tx.receiptTimestamps().request(ReceiptTimestampRecords.message("SYL", "m-1"), T0.plusMillis(1), T0.plusSeconds(3));
            return null;
        });
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) {
            store.close();
        }
        database.close();
    }

    List<Pending> due(Instant now) throws Exception {
        return store.read(tx -> tx.receiptTimestamps().due(now, 10));
    }

    java.util.Optional<byte[]> original(String ref) throws Exception {
        return store.read(tx -> tx.receiptTimestamps().original(ref));
    }

    java.util.Optional<byte[]> filingReceipt() throws Exception {
        return store.read(tx -> tx.filings().receipt(FILING));
    }

    byte[] messageReceipt() throws Exception {
        return store.read(tx -> tx.messages().find("SYL", "m-1")).orElseThrow().receipt();
    }

    java.util.Optional<String> status(String ref) throws Exception {
        return store.read(tx -> tx.receiptTimestamps().status(ref));
    }

    boolean stamp(String ref, byte[] cms, Instant at) throws Exception {
        Boolean done = store.inTransaction(tx -> tx.receiptTimestamps().stamped(ref, cms, at));
        return done;
    }

    @Test
    void requestsAreDueAfterTheirFirstRetryAndAStampIsServedBesideTheOriginal() throws Exception {
        assertThat(due(T0.plusSeconds(2))).isEmpty(); // the filing's own try comes first
        assertThat(due(T0.plusSeconds(3))).extracting(Pending::receiptRef).containsExactly(FILING, "SYL/m-1");
        assertThat(original("SYL/m-1").orElseThrow()).isEqualTo(MESSAGE_ORIGINAL);
        assertThat(original(FILING).orElseThrow()).isEqualTo(ORIGINAL);

        // a failed try: one more attempt, due later
        store.inTransaction(tx -> {
            tx.receiptTimestamps().failed(FILING, 1, T0.plusSeconds(60), false);
            return null;
        });
        assertThat(due(T0.plusSeconds(30))).extracting(Pending::receiptRef).containsExactly("SYL/m-1");
        assertThat(due(T0.plusSeconds(60))).filteredOn(p -> p.receiptRef().equals(FILING)).extracting(Pending::attempts).containsExactly(1L);

        byte[] stamped = "stamped receipt".getBytes(StandardCharsets.UTF_8);
        assertThat(stamp(FILING, stamped, T0.plusSeconds(61))).isTrue();
        assertThat(stamp(FILING, "another".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(62))).isFalse(); // the first stamp stays
        assertThat(filingReceipt().orElseThrow()).isEqualTo(stamped);
        assertThat(original(FILING).orElseThrow()).isEqualTo(ORIGINAL);
        assertThat(status(FILING)).contains("stamped");
        assertThat(due(T0.plusSeconds(120))).extracting(Pending::receiptRef).containsExactly("SYL/m-1");

        byte[] messageStamped = "stamped message receipt".getBytes(StandardCharsets.UTF_8);
        assertThat(stamp("SYL/m-1", messageStamped, T0.plusSeconds(63))).isTrue();
        assertThat(messageReceipt()).isEqualTo(messageStamped);
        assertThat(due(T0.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void anAbandonedRequestIsNoLongerDueAndTheOriginalIsServed() throws Exception {
        store.inTransaction(tx -> {
            tx.receiptTimestamps().failed(FILING, 48, T0.plusSeconds(60), true);
            return null;
        });
        assertThat(status(FILING)).contains("abandoned");
        assertThat(due(T0.plus(Duration.ofDays(1)))).extracting(Pending::receiptRef).containsExactly("SYL/m-1");
        assertThat(filingReceipt().orElseThrow()).isEqualTo(ORIGINAL);
        assertThat(status("SYL/unknown")).isEmpty();
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.receiptTimestamps().request(FILING, T0, T0);
            return null;
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.DUPLICATE));
    }
}
