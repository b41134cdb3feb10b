package org.treatyexchange.server.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object-store blob store against a real S3 API server (S3Proxy): what the local store promises —
 * visible only after commit, nothing left by an abort, exact bytes back at any position — plus what a
 * store shared by several nodes needs: young objects and uploads are never taken for leftovers.
 */
class ObjectStoreBlobsTest {

    private static final int PART = 5 << 20; // S3's smallest part

    @TempDir
    static Path temp;
    static ObjectStoreServer server;

    /** The time the store believes it is: moved forward to age what it wrote. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private BlobStore blobs;
    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = ObjectStoreServer.start(temp.resolve("s3"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void open() throws IOException {
        prefix = "t" + System.nanoTime() + "/"; // each test its own deployment in the bucket
        blobs = server.blobStore(prefix, PART, Duration.ofHours(1), clock);
    }

    private String write(byte[] content) throws IOException {
        try (BlobStore.Writer w = blobs.create()) {
            w.stream().write(content);
            w.commit();
            return w.blobId();
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private S3Client rawClient() {
        java.util.Properties creds = new java.util.Properties();
        try {
            creds.load(new java.io.StringReader(server.settings("", PART, Duration.ZERO).credentials().replace("[default]", "")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .endpointOverride(server.endpoint()).forcePathStyle(true)
                .credentialsProvider(() -> AwsBasicCredentials.create(creds.getProperty("aws_access_key_id"),
                        creds.getProperty("aws_secret_access_key")))
                .build();
    }

    private int unfinishedUploads() {
        try (S3Client s3 = rawClient()) {
            return s3.listMultipartUploads(b -> b.bucket(ObjectStoreServer.BUCKET).prefix(prefix)).uploads().size();
        }
    }

    @Test
    void aSmallBlobIsOneObjectReadableUnderItsId() throws Exception {
        byte[] content = random(1000);
        String id = write(content);
        assertThat(id).matches("[a-z2-7]{26}");
        assertThat(blobs.exists(id)).isTrue();
        assertThat(blobs.size(id)).isEqualTo(1000);
        assertThat(blobs.list()).containsExactly(id);
        try (InputStream in = blobs.openStream(id)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(unfinishedUploads()).isZero();
    }

    @Test
    void nothingIsVisibleBeforeCommitAndNothingIsLeftByAnAbort() throws Exception {
        String id;
        try (BlobStore.Writer w = blobs.create()) {
            id = w.blobId();
            w.stream().write(random(PART * 2 + 17)); // two parts already sent
            assertThat(blobs.exists(id)).isFalse();
            assertThat(blobs.list()).isEmpty();
            assertThat(unfinishedUploads()).isEqualTo(1);
        } // closed without commit: aborted
        assertThat(blobs.exists(id)).isFalse();
        assertThat(blobs.list()).isEmpty();
        assertThat(unfinishedUploads()).isZero();
    }

    @Test
    void aLargeBlobGoesUpInPartsAndReadsBackExactlyAtAnyPosition() throws Exception {
        byte[] content = random(PART * 2 + RangeReadChannel.WINDOW / 3);
        String id = write(content);
        assertThat(blobs.size(id)).isEqualTo(content.length);
        try (InputStream in = blobs.openStream(id)) {
            assertThat(Arrays.equals(in.readAllBytes(), content)).isTrue();
        }
        Random r = new Random(7);
        try (SeekableByteChannel ch = blobs.open(id)) {
            assertThat(ch.size()).isEqualTo(content.length);
            long[] positions = {0, RangeReadChannel.WINDOW - 3, PART - 1, PART, content.length - 10, r.nextInt(content.length - 100)};
            for (long p : positions) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(5000, content.length - p));
                ch.position(p);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // a read stops at a window's end; the next one fetches the next window
                }
                assertThat(b.array()).as("bytes at %d", p).isEqualTo(Arrays.copyOfRange(content, (int) p, (int) p + b.capacity()));
            }
            ch.position(content.length);
            assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void aMissingBlobIsNoSuchFileAndAForeignIdIsRefusedBeforeAnyRequest() throws Exception {
        String absent = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
        assertThat(blobs.exists(absent)).isFalse();
        assertThatThrownBy(() -> blobs.size(absent)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> blobs.openStream(absent)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> blobs.open("../other-deployment/blobs/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restoreKeepsTheIdAndRefusesOneThatExists() throws Exception {
        String id = "abcdefghijklmnopqrstuvwxyz";
        blobs.restore(id, new ByteArrayInputStream(random(300)));
        assertThat(blobs.size(id)).isEqualTo(300);
        assertThatThrownBy(() -> blobs.restore(id, new ByteArrayInputStream(random(10)))).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(blobs.size(id)).isEqualTo(300);
        blobs.delete(id);
        assertThat(blobs.exists(id)).isFalse();
    }

    @Test
    void onlyBlobsOlderThanTheGracePeriodAreOrphanCandidates() throws Exception {
        String id = write(random(100));
        assertThat(blobs.orphanCandidates()).as("just committed: maybe another node's filing is being recorded").isEmpty();
        now.set(now.get().plus(Duration.ofHours(2)));
        assertThat(blobs.orphanCandidates()).containsExactly(id);
    }

    @Test
    void onlyUnfinishedUploadsOlderThanTheGracePeriodAreAborted() throws Exception {
        BlobStore.Writer inFlight = blobs.create();
        inFlight.stream().write(random(PART + 1));
        assertThat(blobs.removeTemporaries()).as("another node may still be writing it").isZero();
        assertThat(unfinishedUploads()).isEqualTo(1);
        now.set(now.get().plus(Duration.ofHours(2)));
        assertThat(blobs.removeTemporaries()).isEqualTo(1);
        assertThat(unfinishedUploads()).isZero();
        assertThatThrownBy(inFlight::commit).isInstanceOf(IOException.class);
    }

    @Test
    void anObjectIsKeptAsAPlainFileSoThatSearchingTheServersDirectoryForPlaintextIsMeaningful() throws Exception {
        // The oracle of the exchange tests: S3Proxy keeps an object as one file holding exactly its bytes.
        byte[] content = random(4096);
        write(content);
        long files;
        try (Stream<Path> all = Files.walk(server.dataDir())) {
            files = all.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Arrays.equals(Files.readAllBytes(p), content);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
        assertThat(files).isEqualTo(1);
    }

    @Test
    void anUnreachableObjectStoreFailsTheCallWithAnIoErrorAndRecoversByItself() throws Exception {
        byte[] content = random(100);
        String id = write(content);
        server.stop();
        try {
            assertThatThrownBy(() -> write(random(10))).isInstanceOf(IOException.class).hasMessageContaining("object store");
            assertThatThrownBy(() -> blobs.size(id)).isInstanceOf(IOException.class).isNotInstanceOf(NoSuchFileException.class);
        } finally {
            server.start();
        }
        try (InputStream in = blobs.openStream(id)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(blobs.size(write(random(20)))).isEqualTo(20);
    }
}
