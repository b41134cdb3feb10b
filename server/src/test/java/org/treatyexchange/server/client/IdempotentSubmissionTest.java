package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.store.jdbc.WriterLockHold;

/**
 * A manifest's {@code submissionId} makes an SFTP upload idempotent, with MINA's own SFTP client
 * against the real server: the same document uploaded again under a used id files nothing (the CLOSE
 * succeeds, {@code filing.resent} is audited, the second copy is not kept), another document under it
 * is refused, ids are per State; and the interleavings of a retry with a first try whose CLOSE has not
 * committed yet (the race the SDK hit) each end in exactly one filing.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class IdempotentSubmissionTest {

    /** The database this run of the class stores its metadata in (a fresh one on PostgreSQL). */
    @Parameter
    TestDatabase.Kind databaseKind;

    static TestDatabase database;

    static final String FOLDER = "/submit/national-report/states-parties/";

    @TempDir
    static Path root;
    /** This run's own folder under {@link #root} (one per database). */
    static Path tmp;

    static TestExchange exchange;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase.Kind kind) throws Exception {
        tmp = java.nio.file.Files.createDirectories(root.resolve(kind.name().toLowerCase(java.util.Locale.ROOT)));
        database = TestDatabase.create(kind);
        exchange = TestExchange.start(tmp.resolve("home"), database);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        try {
            exchange.close();
        } finally {
            database.close();
        }
    }

    static byte[] document(int size) {
        byte[] b = new byte[size];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static byte[] manifest(String submissionId) {
        return ("{\"version\":1,\"reportType\":\"national-report\",\"period\":\"2024-2025\",\"level\":\"states-parties\","
                + "\"submissionId\":\"" + submissionId + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** An upload whose handle is open and written but not closed yet: the client's CLOSE is what files it. */
    record Open(SftpClient sftp, SftpClient.CloseableHandle handle) {
        void close() throws IOException {
            sftp.close(handle);
        }
    }

    static Open openAndWrite(SftpClient sftp, String path, byte[] content) throws IOException {
        SftpClient.CloseableHandle h = sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
        for (int off = 0; off < content.length; off += 32 * 1024) {
            sftp.write(h, off, content, off, Math.min(32 * 1024, content.length - off));
        }
        return new Open(sftp, h);
    }

    static void put(SftpClient sftp, String path, byte[] content) throws IOException {
        openAndWrite(sftp, path, content).close();
    }

    /** The filings of a State under a name, from the admin CLI. */
    static List<String> filings(String state, String name) {
        return exchange.admin("filings", "--state", state).lines().filter(l -> l.endsWith(" " + name)).map(l -> l.split(" ")[0]).toList();
    }

    /** The exported audit events of one type that mention {@code text}. */
    static List<String> audited(String type, String text) throws IOException {
        Path out = tmp.resolve("audit-" + System.nanoTime() + ".jsonl");
        assertThat(exchange.admin("export-audit", "-o", out.toString())).startsWith("0\n");
        return Files.readAllLines(out).stream().filter(l -> l.contains("\"type\":\"" + type + "\"") && l.contains(text)).toList();
    }

    /** Encrypted documents in the blob store (not counting unfinished uploads). */
    static long storedBlobs() throws IOException {
        Path blobs = exchange.home().resolve("blobs");
        try (Stream<Path> all = Files.walk(blobs)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.startsWith(blobs.resolve("tmp"))).count();
        }
    }

    /** Returns once the blob store holds {@code count} documents; fails after {@code deadline} (a broken test, not a measurement). */
    static void awaitStoredBlobs(long count, Duration deadline) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (storedBlobs() < count) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + storedBlobs() + " of " + count + " documents were stored");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void theSameDocumentUploadedTwiceUnderOneSubmissionIdIsFiledOnceAndTheSecondCopyIsNotKept() throws Exception {
        byte[] doc = document(150_000);
        String id = "bor-resend-test-0001";
        long blobsBefore = storedBlobs();
        for (int upload = 1; upload <= 2; upload++) {
            try (ClientSession s = exchange.login("borealia-system"); SftpClient sftp = exchange.sftp(s)) {
                put(sftp, FOLDER + "resent.pdf.manifest.json", manifest(id));
                put(sftp, FOLDER + "resent.pdf", doc); // the second CLOSE succeeds too
            }
        }
        List<String> filed = filings("BOR", "resent.pdf");
        assertThat(filed).hasSize(1);
        assertThat(storedBlobs()).isEqualTo(blobsBefore + 1);
        List<String> resent = audited("filing.resent", id);
        assertThat(resent).hasSize(1);
        assertThat(resent.get(0)).contains(filed.get(0)).contains("borealia-system");
        assertThat(audited("filing.accepted", "resent.pdf")).hasSize(1);

        // the second manifest was consumed with its document: a later upload with a manifest of no submission id
        // (a national report has no implied period) is a new version
        try (ClientSession s = exchange.login("borealia-system"); SftpClient sftp = exchange.sftp(s)) {
            put(sftp, FOLDER + "resent.pdf.manifest.json", ("{\"version\":1,\"reportType\":\"national-report\",\"period\":\"2024-2025\","
                    + "\"level\":\"states-parties\"}").getBytes(StandardCharsets.UTF_8));
            put(sftp, FOLDER + "resent.pdf", document(1000));
        }
        assertThat(filings("BOR", "resent.pdf")).hasSize(2);
    }

    @Test
    void anotherDocumentUnderAUsedSubmissionIdIsRefusedAndNothingIsKept() throws Exception {
        String id = "syl-conflict-test-0001";
        byte[] original = document(40_000);
        try (ClientSession s = exchange.login("sylvania-system"); SftpClient sftp = exchange.sftp(s)) {
            put(sftp, FOLDER + "original.pdf.manifest.json", manifest(id));
            put(sftp, FOLDER + "original.pdf", original);
        }
        long blobsBefore = storedBlobs();
        try (ClientSession s = exchange.login("sylvania-system"); SftpClient sftp = exchange.sftp(s)) {
            // other content under the same name, and the same content under another name
            put(sftp, FOLDER + "original.pdf.manifest.json", manifest(id));
            assertThatThrownBy(() -> put(sftp, FOLDER + "original.pdf", document(40_000)))
                    .isInstanceOfSatisfying(SftpException.class, e -> {
                        assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_FAILURE);
                        assertThat(e.getMessage()).startsWith("duplicate-id: ")
                                .contains("submissionId was already used by this State for another document")
                                .contains("nothing was filed");
                    });
            put(sftp, FOLDER + "renamed.pdf.manifest.json", manifest(id));
            assertThatThrownBy(() -> put(sftp, FOLDER + "renamed.pdf", original)).isInstanceOf(SftpException.class);
        }
        assertThat(filings("SYL", "original.pdf")).hasSize(1);
        assertThat(filings("SYL", "renamed.pdf")).isEmpty();
        assertThat(storedBlobs()).isEqualTo(blobsBefore);
        assertThat(audited("filing.refused", "original.pdf")).hasSize(1).allSatisfy(l -> assertThat(l).contains("duplicate-id"));
        assertThat(audited("filing.refused", "renamed.pdf")).hasSize(1);
        assertThat(audited("filing.resent", id)).isEmpty();
    }

    @Test
    void submissionIdsArePerState() throws Exception {
        String id = "shared-by-two-states-01";
        for (String account : new String[] {"arcadia-system", "calvera-system"}) {
            try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
                put(sftp, FOLDER + "per-state.pdf.manifest.json", manifest(id));
                put(sftp, FOLDER + "per-state.pdf", document(5000)); // different documents, same id
            }
        }
        assertThat(filings("ARC", "per-state.pdf")).hasSize(1);
        assertThat(filings("CAL", "per-state.pdf")).hasSize(1);
        assertThat(audited("filing.refused", "per-state.pdf")).isEmpty();
    }

    /**
     * The SDK's race, step by step: the first try's document is complete but its CLOSE has not committed
     * (in the field: its CLOSE is in flight and its connection cut) when the retry writes the manifest
     * again, opens and sends the document; then the first CLOSE commits, then the retry's.
     */
    @Test
    void aRetryUploadedBeforeTheFirstTrysCloseCommittedFilesNothingTwice() throws Exception {
        byte[] doc = document(100_000);
        String id = "arc-retry-race-000001";
        try (ClientSession first = exchange.login("arcadia-system"); SftpClient a = exchange.sftp(first);
                ClientSession retry = exchange.login("arcadia-system"); SftpClient b = exchange.sftp(retry)) {
            put(a, FOLDER + "race.pdf.manifest.json", manifest(id));
            Open firstTry = openAndWrite(a, FOLDER + "race.pdf", doc);
            put(b, FOLDER + "race.pdf.manifest.json", manifest(id));
            Open secondTry = openAndWrite(b, FOLDER + "race.pdf", doc);
            firstTry.close();
            secondTry.close(); // OK: answered as already filed
        }
        List<String> filed = filings("ARC", "race.pdf");
        assertThat(filed).hasSize(1);
        assertThat(audited("filing.resent", id)).hasSize(1).allSatisfy(l -> assertThat(l).contains(filed.get(0)));
    }

    /**
     * The retry rewrites the manifest into the same slot BEFORE the first try's CLOSE commits, and opens
     * its document only after: the first filing must consume only the manifest it applied, so the retry's
     * document still carries its submission id (else it would file again, as a new version, without it).
     */
    @Test
    void aManifestRewrittenBeforeTheFirstCloseIsLeftForTheRetrysDocument() throws Exception {
        byte[] doc = document(60_000);
        String id = "bor-slot-race-0000001";
        try (ClientSession first = exchange.login("borealia-officer"); SftpClient a = exchange.sftp(first);
                ClientSession retry = exchange.login("borealia-officer"); SftpClient b = exchange.sftp(retry)) {
            put(a, FOLDER + "slot.pdf.manifest.json", manifest(id));
            Open firstTry = openAndWrite(a, FOLDER + "slot.pdf", doc);
            put(b, FOLDER + "slot.pdf.manifest.json", manifest(id));
            firstTry.close();
            put(b, FOLDER + "slot.pdf", doc);
        }
        List<String> filed = filings("BOR", "slot.pdf");
        assertThat(filed).hasSize(1);
        assertThat(audited("filing.resent", id)).hasSize(1).allSatisfy(l -> assertThat(l).contains(filed.get(0)));
    }

    /**
     * Both CLOSEs in flight at once: the writers' lock is held from outside until both documents are
     * stored (a CLOSE stores its document, then asks for the filing's transaction) and a write
     * transaction waits for the lock, then released.
     */
    @Test
    void twoClosesInFlightAtOnceUnderOneSubmissionIdFileOnceAndBothSucceed() throws Exception {
        byte[] doc = document(80_000);
        String id = "syl-both-in-flight-01";
        long blobsBefore = storedBlobs();
        ExecutorService closers = Executors.newFixedThreadPool(2);
        try (ClientSession first = exchange.login("sylvania-officer"); SftpClient a = exchange.sftp(first);
                ClientSession second = exchange.login("sylvania-officer"); SftpClient b = exchange.sftp(second)) {
            put(a, FOLDER + "both.pdf.manifest.json", manifest(id));
            Open one = openAndWrite(a, FOLDER + "both.pdf", doc);
            put(b, FOLDER + "both.pdf.manifest.json", manifest(id));
            Open two = openAndWrite(b, FOLDER + "both.pdf", doc);
            List<Future<?>> closes = new ArrayList<>();
            try (WriterLockHold hold = WriterLockHold.take(database, exchange.home().resolve("db").resolve("exchange"))) {
                closes.add(closers.submit(() -> {
                    one.close();
                    return null;
                }));
                closes.add(closers.submit(() -> {
                    two.close();
                    return null;
                }));
                hold.awaitWaiting(1, Duration.ofSeconds(30));
                awaitStoredBlobs(blobsBefore + 2, Duration.ofSeconds(30));
                assertThat(closes).noneMatch(Future::isDone); // both CLOSEs wait for their commits
            }
            for (Future<?> close : closes) {
                close.get(); // both CLOSEs succeed
            }
        } finally {
            closers.shutdownNow();
        }
        List<String> filed = filings("SYL", "both.pdf");
        assertThat(filed).hasSize(1);
        assertThat(audited("filing.resent", id)).hasSize(1).allSatisfy(l -> assertThat(l).contains(filed.get(0)));
        assertThat(storedBlobs()).isEqualTo(blobsBefore + 1);
    }
}
