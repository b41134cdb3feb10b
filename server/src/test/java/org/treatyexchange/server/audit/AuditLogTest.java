package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Stores;

@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class AuditLogTest {

    @Parameter
    TestDatabase.Kind kind;
    TestDatabase database;

    @TempDir
    Path temp;
    Store store;
    ListAppender<ILoggingEvent> lines;
    ch.qos.logback.classic.Logger auditLogger;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = database.open(temp.resolve("db"));
        auditLogger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("audit");
        lines = new ListAppender<>();
        lines.start();
        auditLogger.addAppender(lines);
    }

    @AfterEach
    void close() throws Exception {
        auditLogger.detachAppender(lines);
        store.close();
        database.close();
    }

    @Test
    void hashFollowsTheDocumentedSerialisation() {
        // Known answer computed independently (Python hashlib) from the AuditChain javadoc.
        AuditRow row = new AuditRow(1, Instant.parse("2026-11-23T03:16:11.120Z"), "filing.accepted", "fra-officer",
                "192.0.2.7", "20261123T031611Z-7KQ2M9XW4D", "ok",
                "{\"level\":\"states-parties\",\"name\":\"rapport é.pdf\"}", "0".repeat(64), null);
        assertThat(AuditChain.hash(row)).isEqualTo("b433a5be0ca1e6622d0bb6b9f7d466d5ce601b724a6f1daecbcf188630cefe87");
    }

    @Test
    void serialisationIsUnambiguous() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        AuditRow a = new AuditRow(1, at, "t", "ab", "c", "-", "ok", "{}", "0".repeat(64), null);
        AuditRow b = new AuditRow(1, at, "t", "a", "bc", "-", "ok", "{}", "0".repeat(64), null);
        AuditRow c = new AuditRow(1, at, "t", "a\nsource:1:b", "c", "-", "ok", "{}", "0".repeat(64), null);
        assertThat(AuditChain.hash(a)).isNotEqualTo(AuditChain.hash(b)).isNotEqualTo(AuditChain.hash(c));
        assertThat(AuditChain.formatAt(at)).isEqualTo("2026-01-01T00:00:00.000Z");
    }

    @Test
    void appendChainsRowsAndLogsOneJsonLineAfterCommit() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T03:16:11.123456789Z"), ZoneOffset.UTC);
        AuditLog audit = new AuditLog(clock);
        AuditRow first = audit.record(store, AuditEvent.ok("auth.success", "fra-officer", "192.0.2.7", null)
                .withDetail("method", "publickey").withDetail("fingerprint", "SHA256:x"));
        AuditRow second = audit.record(store, AuditEvent.refused("auth.failure", null, "192.0.2.8", null));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo("0".repeat(64));
        assertThat(first.at()).isEqualTo(Instant.parse("2026-11-23T03:16:11.123Z"));
        assertThat(first.details()).isEqualTo("{\"fingerprint\":\"SHA256:x\",\"method\":\"publickey\"}");
        assertThat(first.subject()).isEqualTo("-");
        assertThat(first.hash()).matches("[0-9a-f]{64}").isEqualTo(AuditChain.hash(first));
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.actor()).isEqualTo("-");
        assertThat(stored(10)).containsExactly(first, second);

        assertThat(lines.list).hasSize(2);
        JsonNode line = new ObjectMapper().readTree(lines.list.get(0).getFormattedMessage());
        assertThat(line.get("seq").asLong()).isEqualTo(1);
        assertThat(line.get("hash").asText()).isEqualTo(first.hash());
        assertThat(line.get("at").asText()).isEqualTo("2026-11-23T03:16:11.123Z");
        assertThat(line.get("details").get("method").asText()).isEqualTo("publickey");
        assertThat(lines.list.get(0).getFormattedMessage()).doesNotContain("\n");
    }

    @Test
    void nothingIsLoggedOrKeptWhenTheActRollsBack() throws Exception {
        AuditLog audit = new AuditLog(Clock.systemUTC());
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            audit.append(tx, AuditEvent.ok("filing.accepted", "fra", "local", "F1"));
            throw new IllegalStateException("blob commit failed");
        })).isInstanceOf(StoreException.class);
        assertThat(lines.list).isEmpty();
        assertThat(store.read(tx -> tx.audit().head()).seq()).isZero();
    }

    @Test
    void fourThreadsAppendingConcurrentlyKeepOneContiguousChain() throws Exception {
        AuditLog audit = new AuditLog(Clock.systemUTC());
        int threads = 4;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "thread-" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        seqs.add(audit.record(store, AuditEvent.ok("test.event", actor, "local", "n" + i)).seq());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seqs).hasSize(threads * each).doesNotHaveDuplicates();
        assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(threads * each);
        AuditVerification v = AuditVerifier.verify(store);
        assertThat(v).isEqualTo(new AuditVerification(true, threads * each, null, null));
        assertThat(lines.list).hasSize(threads * each);
    }

    @Test
    void eventsAreNormalisedAndBounded() {
        AuditEvent e = new AuditEvent("t", "", null, "x".repeat(5000), "ok", Map.of("k", "\u0001".repeat(400)));
        assertThat(e.actor()).isEqualTo("-");
        assertThat(e.source()).isEqualTo("-");
        assertThat(e.subject()).hasSize(AuditEvent.MAX_SUBJECT).endsWith("…");
        assertThat(AuditLog.canonicalDetails(e).length()).isLessThanOrEqualTo(AuditEvent.MAX_DETAIL_VALUE + 10);
        assertThatThrownBy(() -> new AuditEvent("t", "a", "s", "x", "maybe", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditEvent.ok("", "a", "s", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditEvent.ok("t", "a", "s", "x").withDetail("bad key\"", "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longAndHostileValuesStillFitTheirColumns() throws Exception {
        AuditLog audit = new AuditLog(Clock.systemUTC());
        AuditEvent e = AuditEvent.refused("sftp.upload", "a".repeat(300), "b".repeat(300), "\"\n".repeat(2000));
        for (int i = 0; i < AuditEvent.MAX_DETAILS; i++) {
            e = e.withDetail("k" + i, "\u0000\"\\".repeat(1000));
        }
        AuditRow row = audit.record(store, e);
        assertThat(stored(1)).containsExactly(row);
        assertThat(AuditVerifier.verify(store).intact()).isTrue();
    }

    private List<AuditRow> stored(int limit) throws StoreException {
        return store.read(tx -> tx.audit().after(0, limit));
    }
}
