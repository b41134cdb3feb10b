package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.crypto.DocumentVault.StoredDocument;
import org.treatyexchange.server.store.blob.BlobStore;

/**
 * Decrypting ahead of a sequential reader ({@link ReadAhead}, {@link ReadAheadSegments}): the bytes and
 * their order, the bounds per document and per vault, tampering, closing mid-stream, out-of-order reads.
 * Executors are either a real pool or one the test runs by hand, so nothing here depends on timing.
 */
class ReadAheadTest {

    private static final int SEGMENT = 64;
    private static final int SEALED = SEGMENT + SegmentedAead.TAG_LENGTH;
    private static final int DEPTH = 3;

    @TempDir
    Path dir;

    private TempDirBlobStore store;
    private ObservedBlobs blobs;
    private MasterKeys masterKeys;
    private ExecutorService pool;
    private final Random random = new Random(20261203);

    @BeforeEach
    void setUp() throws Exception {
        store = new TempDirBlobStore(dir.resolve("store"));
        blobs = new ObservedBlobs(store);
        masterKeys = MasterKeys.openOrCreate(dir.resolve("master.p12"), "correct horse".toCharArray());
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void sequentialReadsGiveThePlaintextInOrderWhateverTheChunk() throws Exception {
        DocumentVault vault = vault(new ReadAhead(DEPTH, pool, 100));
        for (int size : new int[] {0, 1, SEGMENT, SEGMENT + 1, SEGMENT * 50 + 7}) {
            byte[] plain = randomBytes(size);
            StoredDocument doc = vault.store(plain);
            for (int chunk : new int[] {1, 13, SEGMENT, SEGMENT / 2, 3 * SEGMENT + 5}) {
                assertThat(readChannel(vault, doc, chunk)).as("%d bytes in chunks of %d", size, chunk).isEqualTo(plain);
            }
            try (InputStream in = vault.openStream(doc.key())) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
            }
        }
    }

    @Test
    void theSerialPathGivesTheSameBytesAndQueuesNothing() throws Exception {
        DocumentVault vault = vault(ReadAhead.serial());
        byte[] plain = randomBytes(SEGMENT * 20 + 3);
        StoredDocument doc = vault.store(plain);
        try (DecryptingChannel ch = open(vault, doc)) {
            ByteBuffer buf = ByteBuffer.allocate(SEGMENT / 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                assertThat(ch.segmentsAhead()).isZero();
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            assertThat(out.toByteArray()).isEqualTo(plain);
        }
    }

    @Test
    void aDocumentNeverHasMoreThanDepthSegmentsAheadNorMoreThanDepthTasksQueued() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        DocumentVault vault = vault(new ReadAhead(DEPTH, executor, 100));
        byte[] plain = randomBytes(SEGMENT * 40);
        StoredDocument doc = vault.store(plain);
        int readsBefore = blobs.reads.get();
        try (DecryptingChannel ch = open(vault, doc)) {
            ByteBuffer buf = ByteBuffer.allocate(SEGMENT / 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int step = 0;
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
                assertThat(ch.segmentsAhead()).as("step %d", step).isLessThanOrEqualTo(DEPTH);
                if (step == 0) {
                    assertThat(ch.segmentsAhead()).isEqualTo(DEPTH);
                }
                assertThat(executor.queued()).isLessThanOrEqualTo(DEPTH);
                if (step++ % 3 == 0) {
                    executor.runAll(); // the pool catches up now and then; the reader takes over the rest
                }
                if (out.size() == plain.length) {
                    break;
                }
            }
            assertThat(out.toByteArray()).isEqualTo(plain);
        }
        // every segment read at most twice (once ahead, at most once more when the ring grew), never re-read per request
        assertThat(blobs.reads.get() - readsBefore).isLessThanOrEqualTo(2 * 40 + 2);
    }

    @Test
    void theVaultWideBudgetBoundsReadAheadAndIsGivenBackOnClose() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        ReadAhead readAhead = new ReadAhead(DEPTH, executor, DEPTH); // room for one reader
        DocumentVault vault = vault(readAhead);
        byte[] plain = randomBytes(SEGMENT * 10);
        StoredDocument doc = vault.store(plain);
        DecryptingChannel first = open(vault, doc);
        DecryptingChannel second = open(vault, doc);
        try {
            first.read(ByteBuffer.allocate(SEGMENT));
            assertThat(first.segmentsAhead()).isEqualTo(DEPTH);
            assertThat(readAhead.budget.availablePermits()).isZero();

            ByteBuffer buf = ByteBuffer.allocate(3 * SEGMENT);
            second.read(buf);
            assertThat(second.segmentsAhead()).as("no budget left: this reader decrypts in series").isZero();
            assertThat(buf.array()).isEqualTo(Arrays.copyOf(plain, 3 * SEGMENT));

            first.close();
            assertThat(readAhead.budget.availablePermits()).isEqualTo(DEPTH);
            second.read(ByteBuffer.allocate(SEGMENT));
            assertThat(second.segmentsAhead()).as("budget given back: the next reader reads ahead").isBetween(1, DEPTH);
        } finally {
            first.close();
            second.close();
        }
        assertThat(readAhead.budget.availablePermits()).isEqualTo(DEPTH);
    }

    @Test
    void aTamperedSegmentDecryptedAheadFailsWhenTheReaderReachesItAndNotBefore() throws Exception {
        Executor direct = Runnable::run; // every segment is decrypted ahead before the reader asks for it
        DocumentVault vault = vault(new ReadAhead(DEPTH, direct, 100));
        byte[] plain = randomBytes(SEGMENT * 10);
        StoredDocument doc = vault.store(plain);
        flipBit(doc, SegmentedAead.HEADER_LENGTH + 4L * SEALED + 9);
        try (DecryptingChannel ch = open(vault, doc)) {
            ByteBuffer buf = ByteBuffer.allocate(4 * SEGMENT);
            assertThat(ch.read(buf)).isEqualTo(4 * SEGMENT);
            assertThat(buf.array()).isEqualTo(Arrays.copyOf(plain, 4 * SEGMENT));
            assertThat(ch.segmentsAhead()).as("segment 4 was decrypted (and failed) ahead").isEqualTo(DEPTH);

            ByteBuffer next = ByteBuffer.allocate(SEGMENT);
            assertThatThrownBy(() -> ch.read(next))
                    .isInstanceOf(TamperedDocumentException.class).hasMessageContaining("segment 4");
            assertThat(next.position()).as("no byte of the tampered segment").isZero();
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1)))
                    .as("asked again, it fails again").isInstanceOf(TamperedDocumentException.class);
        }
    }

    @Test
    void aTamperedSegmentFailsAWholeDownloadOnARealPool() throws Exception {
        DocumentVault vault = vault(new ReadAhead(DEPTH, pool, 100));
        byte[] plain = randomBytes(SEGMENT * 30);
        StoredDocument doc = vault.store(plain);
        flipBit(doc, SegmentedAead.HEADER_LENGTH + 17L * SEALED + 70); // in segment 17's tag
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (DecryptingChannel ch = open(vault, doc)) {
            ByteBuffer buf = ByteBuffer.allocate(SEGMENT / 2);
            assertThatThrownBy(() -> {
                while (ch.read(buf) >= 0) {
                    got.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }).isInstanceOf(TamperedDocumentException.class).hasMessageContaining("segment 17");
        }
        assertThat(got.toByteArray()).isEqualTo(Arrays.copyOf(plain, 17 * SEGMENT));
        assertThatThrownBy(() -> {
            try (InputStream in = vault.openStream(doc.key())) {
                in.readAllBytes();
            }
        }).isInstanceOf(TamperedDocumentException.class);
    }

    @Test
    void closingMidStreamLeavesQueuedTasksNothingToDoAndWipesThePlaintext() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        ReadAhead readAhead = new ReadAhead(DEPTH, executor, 100);
        DocumentVault vault = vault(readAhead);
        StoredDocument doc = vault.store(randomBytes(SEGMENT * 10));
        DecryptingChannel ch = open(vault, doc);
        ch.read(ByteBuffer.allocate(SEGMENT));
        assertThat(executor.queued()).isEqualTo(DEPTH);
        executor.runOne(); // one segment decrypted ahead, the others still queued
        ch.close();
        assertThat(blobs.closed).isEqualTo(1);
        assertThat(readAhead.budget.availablePermits()).isEqualTo(100);

        int readsAtClose = blobs.reads.get();
        executor.runAll();
        assertThat(blobs.reads.get()).as("tasks queued before the close read nothing").isEqualTo(readsAtClose);
        assertThat(ch.segmentsAhead()).isZero();
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1))).isInstanceOf(java.nio.channels.ClosedChannelException.class);
    }

    @Test
    void closeWaitsForATaskStillDecryptingBeforeItClosesTheBlob() throws Exception {
        DocumentVault vault = vault(new ReadAhead(1, pool, 100));
        StoredDocument doc = vault.store(randomBytes(SEGMENT * 4));
        DecryptingChannel ch = open(vault, doc);
        blobs.holdReadsFrom(SegmentedAead.segmentOffset(1, SEGMENT));
        ch.read(ByteBuffer.allocate(SEGMENT)); // segment 0 on this thread; segment 1 goes to the pool and blocks in its read
        blobs.heldReadEntered.await();

        Thread closer = new Thread(() -> {
            try {
                ch.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        closer.start();
        blobs.releaseHeldReads();
        closer.join();

        assertThat(blobs.events).containsSubsequence("held read returned", "closed");
        assertThat(blobs.events.indexOf("closed")).isGreaterThan(blobs.events.indexOf("held read returned"));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void outOfOrderAndInterleavedReadsAreRight() throws Exception {
        for (Executor executor : List.<Executor>of(pool, Runnable::run)) {
            DocumentVault vault = vault(new ReadAhead(DEPTH, executor, 100));
            byte[] plain = randomBytes(SEGMENT * 60 + 29);
            StoredDocument doc = vault.store(plain);
            try (DecryptingChannel ch = open(vault, doc)) {
                // random offsets and lengths, as a client resuming or seeking
                for (int i = 0; i < 300; i++) {
                    int pos = random.nextInt(plain.length);
                    assertRead(ch, plain, pos, 1 + random.nextInt(3 * SEGMENT));
                }
                // four cursors through four quarters, requests interleaved, as lftp's parallel segments
                int quarter = plain.length / 4 + 1;
                int[] cursor = {0, quarter, 2 * quarter, 3 * quarter};
                boolean moved = true;
                while (moved) {
                    moved = false;
                    for (int c = 0; c < 4; c++) {
                        int end = Math.min(plain.length, (c + 1) * quarter);
                        if (cursor[c] < end) {
                            int len = Math.min(SEGMENT / 2, end - cursor[c]);
                            assertRead(ch, plain, cursor[c], len);
                            cursor[c] += len;
                            moved = true;
                        }
                    }
                }
                // backwards, segment by segment
                for (int pos = plain.length - SEGMENT; pos >= 0; pos -= SEGMENT) {
                    assertRead(ch, plain, pos, SEGMENT);
                }
                ch.position(plain.length);
                assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            }
        }
    }

    @Test
    void theSystemPropertySetsTheDepthAndRefusesNonsense() {
        String before = System.getProperty(ReadAhead.PROPERTY);
        try {
            System.clearProperty(ReadAhead.PROPERTY);
            assertThat(ReadAhead.fromSystemProperty(65536).depth).isEqualTo(ReadAhead.DEFAULT_DEPTH);
            assertThat(ReadAhead.fromSystemProperty(65536).budget.availablePermits())
                    .as("64 MiB in slots of two 64 KiB + tag buffers").isEqualTo((int) (ReadAhead.BUDGET_BYTES / (2 * (65536 + 16))));
            System.setProperty(ReadAhead.PROPERTY, "0");
            assertThat(ReadAhead.fromSystemProperty(65536).depth).isZero();
            System.setProperty(ReadAhead.PROPERTY, "8");
            assertThat(ReadAhead.fromSystemProperty(65536).depth).isEqualTo(8);
            System.setProperty(ReadAhead.PROPERTY, "17");
            assertThatThrownBy(() -> ReadAhead.fromSystemProperty(65536))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ReadAhead.PROPERTY);
            System.setProperty(ReadAhead.PROPERTY, "lots");
            assertThatThrownBy(() -> ReadAhead.fromSystemProperty(65536))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 turns read-ahead off");
        } finally {
            if (before == null) {
                System.clearProperty(ReadAhead.PROPERTY);
            } else {
                System.setProperty(ReadAhead.PROPERTY, before);
            }
        }
    }

    // ---- helpers ----

    private DocumentVault vault(ReadAhead readAhead) {
        return new DocumentVault(blobs, masterKeys, SEGMENT, readAhead);
    }

    private static DecryptingChannel open(DocumentVault vault, StoredDocument doc) throws IOException {
        return (DecryptingChannel) vault.openReadOnly(doc.key(), doc.size());
    }

    private static void assertRead(SeekableByteChannel ch, byte[] plain, int pos, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        ch.position(pos);
        int n = ch.read(buf);
        int expected = Math.min(len, plain.length - pos);
        assertThat(n).as("read at %d", pos).isEqualTo(expected);
        assertThat(Arrays.copyOf(buf.array(), n)).as("bytes at %d", pos).isEqualTo(Arrays.copyOfRange(plain, pos, pos + n));
    }

    private static byte[] readChannel(DocumentVault vault, StoredDocument doc, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableByteChannel ch = vault.openReadOnly(doc.key(), doc.size())) {
            ByteBuffer buf = ByteBuffer.allocate(chunk);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        return out.toByteArray();
    }

    private void flipBit(StoredDocument doc, long offset) throws IOException {
        byte[] c = Files.readAllBytes(store.path(doc.blobId()));
        c[(int) offset] ^= 0x10;
        Files.write(store.path(doc.blobId()), c);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Runs what it was given only when the test says so. */
    private static final class ManualExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int queued() {
            return tasks.size();
        }

        void runOne() {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
            }
            if (task != null) {
                task.run();
            }
        }

        void runAll() {
            while (queued() > 0) {
                runOne();
            }
        }
    }

    /** The test's blob store, counting reads and closes of opened blobs, and able to hold reads from an offset. */
    private static final class ObservedBlobs implements BlobStore {
        private final BlobStore delegate;
        final AtomicInteger reads = new AtomicInteger();
        volatile int closed;
        final List<String> events = new CopyOnWriteArrayList<>();
        private volatile long holdFrom = Long.MAX_VALUE;
        final CountDownLatch heldReadEntered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        ObservedBlobs(BlobStore delegate) {
            this.delegate = delegate;
        }

        void holdReadsFrom(long offset) {
            holdFrom = offset;
        }

        void releaseHeldReads() {
            release.countDown();
        }

        @Override
        public SeekableByteChannel open(String blobId) throws IOException {
            SeekableByteChannel ch = delegate.open(blobId);
            return new SeekableByteChannel() {
                @Override
                public int read(ByteBuffer dst) throws IOException {
                    reads.incrementAndGet();
                    if (ch.position() >= holdFrom) {
                        heldReadEntered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException();
                        }
                        int n = ch.read(dst);
                        events.add("held read returned");
                        return n;
                    }
                    return ch.read(dst);
                }

                @Override
                public int write(ByteBuffer src) throws IOException {
                    return ch.write(src);
                }

                @Override
                public long position() throws IOException {
                    return ch.position();
                }

                @Override
                public SeekableByteChannel position(long p) throws IOException {
                    ch.position(p);
                    return this;
                }

                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public SeekableByteChannel truncate(long s) throws IOException {
                    ch.truncate(s);
                    return this;
                }

                @Override
                public boolean isOpen() {
                    return ch.isOpen();
                }

                @Override
                public void close() throws IOException {
                    closed++;
                    events.add("closed");
                    ch.close();
                }
            };
        }

        @Override
        public Writer create() throws IOException {
            return delegate.create();
        }

        @Override
        public InputStream openStream(String blobId) throws IOException {
            return delegate.openStream(blobId);
        }

        @Override
        public boolean exists(String blobId) throws IOException {
            return delegate.exists(blobId);
        }

        @Override
        public long size(String blobId) throws IOException {
            return delegate.size(blobId);
        }

        @Override
        public List<String> list() throws IOException {
            return delegate.list();
        }

        @Override
        public List<String> orphanCandidates() throws IOException {
            return delegate.orphanCandidates();
        }

        @Override
        public void delete(String blobId) throws IOException {
            delegate.delete(blobId);
        }

        @Override
        public void restore(String blobId, InputStream content) throws IOException {
            delegate.restore(blobId, content);
        }

        @Override
        public OptionalLong usableSpace() throws IOException {
            return delegate.usableSpace();
        }

        @Override
        public int removeTemporaries() throws IOException {
            return delegate.removeTemporaries();
        }
    }
}
