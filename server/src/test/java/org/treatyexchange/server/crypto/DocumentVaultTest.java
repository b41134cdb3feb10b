package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.treatyexchange.server.crypto.DocumentVault.StoredDocument;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;

class DocumentVaultTest {

    private static final int SEGMENT = 64;
    private static final int SEALED = SEGMENT + SegmentedAead.TAG_LENGTH;

    @TempDir
    Path dir;

    private TempDirBlobStore blobs;
    private MasterKeys masterKeys;
    private DocumentVault vault;
    private final Random random = new Random(20261123);

    @BeforeEach
    void setUp() throws Exception {
        blobs = new TempDirBlobStore(dir.resolve("store"));
        masterKeys = MasterKeys.openOrCreate(dir.resolve("master.p12"), "correct horse".toCharArray());
        vault = new DocumentVault(blobs, masterKeys, SEGMENT);
    }

    @ParameterizedTest(name = "{0} bytes, segment {1}")
    @CsvSource({"0,64", "1,64", "63,64", "64,64", "65,64", "128,64", "327,64",
            "3145745,4096", "2097152,16", "1048576,65536"})
    void roundTripsEverySize(int size, int segmentSize) throws Exception {
        DocumentVault v = new DocumentVault(blobs, masterKeys, segmentSize);
        byte[] plain = randomBytes(size);
        StoredDocument doc = store(v, plain);

        assertThat(doc.size()).isEqualTo(size);
        assertThat(doc.sha256Hex()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain)));
        assertThat(doc.key().blobId()).isEqualTo(doc.blobId());
        assertThat(doc.key().masterKeyId()).isEqualTo(masterKeys.activeKeyId());
        long segments = Math.max(1, (size + segmentSize - 1) / segmentSize);
        assertThat(blobs.size(doc.blobId())).isEqualTo(16 + size + 16 * segments);
        assertThat(readStream(doc.key())).isEqualTo(plain);
        assertThat(readChannel(v, doc, 8191)).isEqualTo(plain);
    }

    @Test
    void randomAccessReadsAtRandomOffsetsEqualThePlaintext() throws Exception {
        byte[] plain = randomBytes(SEGMENT * 37 + 11);
        StoredDocument doc = store(vault, plain);
        try (SeekableByteChannel ch = vault.openReadOnly(doc.key(), doc.size())) {
            assertThat(ch.size()).isEqualTo(plain.length);
            for (int i = 0; i < 500; i++) {
                int pos = random.nextInt(plain.length);
                int len = 1 + random.nextInt(3 * SEGMENT);
                ByteBuffer buf = ByteBuffer.allocate(len);
                ch.position(pos);
                int n = ch.read(buf);
                int expected = Math.min(len, plain.length - pos);
                assertThat(n).isEqualTo(expected);
                assertThat(Arrays.copyOf(buf.array(), n)).isEqualTo(Arrays.copyOfRange(plain, pos, pos + n));
                assertThat(ch.position()).isEqualTo(pos + n);
            }
            ch.position(plain.length + 100L);
            assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            assertThat(ch.read(ByteBuffer.allocate(0))).isEqualTo(-1);
        }
    }

    @Test
    void randomAccessReadsOnlyTheSegmentItNeeds() throws Exception {
        byte[] plain = randomBytes(SEGMENT * 10);
        StoredDocument doc = store(vault, plain);
        // Damage segment 2: segments 0, 1 and 5 still read, segment 2 does not.
        flipBit(doc, SegmentedAead.HEADER_LENGTH + 2L * SEALED + 3);
        try (SeekableByteChannel ch = vault.openReadOnly(doc.key(), doc.size())) {
            ByteBuffer buf = ByteBuffer.allocate(SEGMENT);
            ch.position(5L * SEGMENT);
            assertThat(ch.read(buf)).isEqualTo(SEGMENT);
            assertThat(buf.array()).isEqualTo(Arrays.copyOfRange(plain, 5 * SEGMENT, 6 * SEGMENT));
            ch.position(0);
            assertThat(ch.read(ByteBuffer.allocate(2 * SEGMENT))).isEqualTo(2 * SEGMENT);
            ch.position(2L * SEGMENT + 10);
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1)))
                    .isInstanceOf(TamperedDocumentException.class).hasMessageContaining("segment 2");
        }
    }

    @Test
    void aClosedChannelRefusesEveryReadAndCanBeClosedAgain() throws Exception {
        StoredDocument doc = store(vault, randomBytes(100));
        SeekableByteChannel ch = vault.openReadOnly(doc.key(), doc.size());
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.size()).isEqualTo(100);
        ch.close();
        assertThat(ch.isOpen()).isFalse();
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(10))).isInstanceOf(java.nio.channels.ClosedChannelException.class);
        assertThatThrownBy(ch::position).isInstanceOf(java.nio.channels.ClosedChannelException.class);
        assertThatThrownBy(() -> ch.position(5)).isInstanceOf(java.nio.channels.ClosedChannelException.class);
        assertThatThrownBy(ch::size).isInstanceOf(java.nio.channels.ClosedChannelException.class);
        ch.close();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void channelIsReadOnly() throws Exception {
        StoredDocument doc = store(vault, randomBytes(10));
        try (SeekableByteChannel ch = vault.openReadOnly(doc.key(), doc.size())) {
            assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1))).isInstanceOf(NonWritableChannelException.class);
            assertThatThrownBy(() -> ch.truncate(0)).isInstanceOf(NonWritableChannelException.class);
        }
    }

    @Test
    void sameContentTwiceGivesUnrelatedCiphertexts() throws Exception {
        byte[] plain = new byte[SEGMENT * 3];
        StoredDocument a = store(vault, plain);
        StoredDocument b = store(vault, plain);
        byte[] ca = Files.readAllBytes(blobs.path(a.blobId()));
        byte[] cb = Files.readAllBytes(blobs.path(b.blobId()));
        assertThat(ca).hasSameSizeAs(cb);
        assertThat(Arrays.copyOfRange(ca, 16, 48)).isNotEqualTo(Arrays.copyOfRange(cb, 16, 48));
        // Zero plaintext never shows through: no run of 16 zero bytes in the ciphertext body.
        assertThat(indexOf(ca, new byte[16], 16)).isEqualTo(-1);
    }

    @Test
    void headerCarriesMagicVersionAndSegmentSize() throws Exception {
        StoredDocument doc = store(vault, randomBytes(5));
        byte[] c = Files.readAllBytes(blobs.path(doc.blobId()));
        assertThat(Arrays.copyOf(c, 4)).isEqualTo("TXE1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(c[4]).isEqualTo((byte) 1);
        assertThat(ByteBuffer.wrap(c, 5, 4).getInt()).isEqualTo(SEGMENT);
    }

    // ---- tampering: every case must be refused by both readers ----

    @ParameterizedTest(name = "bit flip at byte {0}")
    @CsvSource({"0", "4", "6", "8", "9", "15", "16", "100", "110", "175", "186", "191"})
    void bitFlipsAnywhereAreDetected(long offset) throws Exception {
        // 3 segments: header 0..15, segment 0 = 16..95 (tag 80..95), 1 = 96..175, 2 (last, 20 B) = 176..211
        StoredDocument doc = store(vault, randomBytes(2 * SEGMENT + 20));
        flipBit(doc, offset);
        assertTampered(doc);
    }

    @Test
    void anEmptyDocumentWhoseOnlyTagIsAlteredIsDetectedAtItsEnd() throws Exception {
        // no byte to read: only authenticating the final segment at the end shows the tamper
        StoredDocument doc = store(vault, new byte[0]);
        flipBit(doc, blobs.size(doc.blobId()) - 1);
        assertTampered(doc);
    }

    @Test
    void flippedTagOfTheLastSegmentIsDetected() throws Exception {
        StoredDocument doc = store(vault, randomBytes(2 * SEGMENT + 20));
        flipBit(doc, blobs.size(doc.blobId()) - 1);
        assertTampered(doc);
    }

    @Test
    void truncationAtASegmentBoundaryIsDetected() throws Exception {
        byte[] plain = randomBytes(3 * SEGMENT);
        StoredDocument doc = store(vault, plain);
        truncate(doc, SegmentedAead.HEADER_LENGTH + 2L * SEALED);
        assertTampered(doc);
        // Even a reader told the shortened size refuses: segment 1 was not sealed as the last one.
        assertThatThrownBy(() -> readChannel(vault, new StoredDocument(doc.blobId(), 2L * SEGMENT, doc.sha256Hex(), doc.key()), 100))
                .isInstanceOf(TamperedDocumentException.class);
        try (SeekableByteChannel ch = vault.openReadOnly(doc.key(), 2L * SEGMENT)) {
            ch.position(2L * SEGMENT);
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1))).isInstanceOf(TamperedDocumentException.class);
        }
    }

    @Test
    void truncationToTheHeaderIsDetected() throws Exception {
        StoredDocument doc = store(vault, randomBytes(SEGMENT + 1));
        truncate(doc, SegmentedAead.HEADER_LENGTH);
        assertTampered(doc);
    }

    @ParameterizedTest(name = "cut at {0}")
    @CsvSource({"1", "10", "17", "50", "95", "150", "200", "211"})
    void truncationInsideASegmentIsDetected(long length) throws Exception {
        StoredDocument doc = store(vault, randomBytes(2 * SEGMENT + 20));
        truncate(doc, length);
        assertTampered(doc);
    }

    @Test
    void swappedSegmentsAreDetected() throws Exception {
        StoredDocument doc = store(vault, randomBytes(4 * SEGMENT));
        byte[] c = Files.readAllBytes(blobs.path(doc.blobId()));
        int s1 = SegmentedAead.HEADER_LENGTH + SEALED;
        int s2 = s1 + SEALED;
        byte[] one = Arrays.copyOfRange(c, s1, s2);
        System.arraycopy(c, s2, c, s1, SEALED);
        System.arraycopy(one, 0, c, s2, SEALED);
        Files.write(blobs.path(doc.blobId()), c);
        assertTampered(doc);
    }

    @Test
    void lastSegmentMovedEarlierIsDetected() throws Exception {
        StoredDocument doc = store(vault, randomBytes(3 * SEGMENT));
        byte[] c = Files.readAllBytes(blobs.path(doc.blobId()));
        // Replace segment 1 by segment 2 (the final one) and drop the rest.
        System.arraycopy(c, 16 + 2 * SEALED, c, 16 + SEALED, SEALED);
        Files.write(blobs.path(doc.blobId()), Arrays.copyOf(c, 16 + 2 * SEALED));
        assertTampered(doc);
    }

    @ParameterizedTest(name = "append {0} bytes")
    @CsvSource({"1", "16", "17", "80"})
    void appendedBytesAreDetected(int extra) throws Exception {
        StoredDocument doc = store(vault, randomBytes(2 * SEGMENT));
        byte[] c = Files.readAllBytes(blobs.path(doc.blobId()));
        byte[] longer = Arrays.copyOf(c, c.length + extra);
        // Append a copy of a real sealed segment (its start), not just zeros.
        System.arraycopy(c, 16, longer, c.length, Math.min(extra, SEALED));
        Files.write(blobs.path(doc.blobId()), longer);
        assertTampered(doc);
    }

    @Test
    void anotherDocumentsHeaderIsDetected() throws Exception {
        StoredDocument a = store(vault, randomBytes(100));
        StoredDocument b = store(vault, randomBytes(100));
        byte[] ca = Files.readAllBytes(blobs.path(a.blobId()));
        byte[] cb = Files.readAllBytes(blobs.path(b.blobId()));
        System.arraycopy(cb, 0, ca, 0, 16);
        Files.write(blobs.path(a.blobId()), ca);
        assertTampered(a);
    }

    @Test
    void wrongDataKeyIsDetected() throws Exception {
        StoredDocument doc = store(vault, randomBytes(100));
        byte[] otherKey = randomBytes(32);
        DocumentKey wrong = masterKeys.wrapFor(doc.blobId(), otherKey);
        assertThatThrownBy(() -> readStream(wrong)).isInstanceOf(TamperedDocumentException.class);
        assertThatThrownBy(() -> readChannel(vault, new StoredDocument(doc.blobId(), doc.size(), doc.sha256Hex(), wrong), 64))
                .isInstanceOf(TamperedDocumentException.class);
    }

    @Test
    void wrappedKeyMovedToAnotherBlobIsRefused() throws Exception {
        StoredDocument a = store(vault, randomBytes(100));
        StoredDocument b = store(vault, randomBytes(100));
        DocumentKey moved = new DocumentKey(b.blobId(), a.key().masterKeyId(), a.key().wrappedKey());
        assertThatThrownBy(() -> vault.openStream(moved))
                .isInstanceOf(TamperedDocumentException.class)
                .hasMessageContaining(b.blobId())
                .hasMessageNotContaining(HexFormat.of().formatHex(a.key().wrappedKey()));
        assertThatThrownBy(() -> vault.openReadOnly(moved, b.size())).isInstanceOf(TamperedDocumentException.class);
    }

    @Test
    void recordedSizeMustMatchTheBlob() throws Exception {
        StoredDocument doc = store(vault, randomBytes(100));
        assertThatThrownBy(() -> vault.openReadOnly(doc.key(), 99)).isInstanceOf(TamperedDocumentException.class);
        assertThatThrownBy(() -> vault.openReadOnly(doc.key(), 101)).isInstanceOf(TamperedDocumentException.class);
        assertThatThrownBy(() -> vault.openReadOnly(doc.key(), 0)).as("a record of an empty document")
                .isInstanceOf(TamperedDocumentException.class);
    }

    // ---- upload life cycle ----

    @Test
    void abortedUploadLeavesNothing() throws Exception {
        try (DocumentVault.Upload upload = vault.begin()) {
            upload.write(randomBytes(1000), 0, 1000);
            assertThat(upload.size()).isEqualTo(1000);
            assertThat(blobs.temporaries()).isEqualTo(1);
        }
        assertThat(blobs.list()).isEmpty();
        assertThat(blobs.temporaries()).isZero();
    }

    @Test
    void finishedUploadIsVisibleAndCannotBeReused() throws Exception {
        DocumentVault.Upload upload = vault.begin();
        upload.write(new byte[] {1, 2, 3}, 1, 2);
        StoredDocument doc = upload.finish();
        upload.close(); // after finish: keeps the document
        assertThat(blobs.list()).containsExactly(doc.blobId());
        assertThat(upload.blobId()).isEqualTo(doc.blobId());
        assertThat(readStream(doc.key())).containsExactly(2, 3);
        assertThatThrownBy(upload::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> upload.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSealedDocumentIsStoredOnlyWhenItsFlushRunsAndThenReadsBack() throws Exception {
        java.util.List<Runnable> flusher = new java.util.ArrayList<>();
        DocumentVault.Upload upload = vault.begin();
        byte[] plain = randomBytes(1000);
        upload.write(plain, 0, plain.length);
        DocumentVault.Sealed sealed = upload.seal(flusher::add);

        assertThat(sealed.document().size()).isEqualTo(1000);
        assertThat(sealed.document().sha256Hex())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain)));
        assertThat(sealed.durable()).isNotDone();
        assertThat(blobs.list()).isEmpty(); // not yet committed: a record must wait for durable
        assertThat(flusher).hasSize(1);

        flusher.get(0).run();
        assertThat(sealed.durable()).isCompleted();
        assertThat(blobs.list()).containsExactly(sealed.document().blobId());
        assertThat(blobs.temporaries()).isZero();
        assertThat(readStream(sealed.document().key())).isEqualTo(plain);
        upload.close(); // after seal: keeps the document
        assertThat(blobs.list()).containsExactly(sealed.document().blobId());
    }

    @Test
    void aSealedDocumentWhoseFlushFailsLeavesNothingAndItsDurableSaysWhy() throws Exception {
        java.util.List<Runnable> flusher = new java.util.ArrayList<>();
        DocumentVault.Upload upload = vault.begin();
        upload.write(randomBytes(100), 0, 100);
        DocumentVault.Sealed sealed = upload.seal(flusher::add);
        Files.delete(blobs.path(sealed.document().blobId()).getParent()); // the rename into it fails

        flusher.get(0).run();
        assertThat(sealed.durable()).isCompletedExceptionally();
        assertThatThrownBy(sealed.durable()::join).hasCauseInstanceOf(IOException.class);
        assertThat(blobs.temporaries()).isZero();
    }

    @Test
    void aSealWhoseFlushCannotBeHandedOverFailsAndLeavesNothing() throws Exception {
        DocumentVault.Upload upload = vault.begin();
        upload.write(randomBytes(100), 0, 100);
        assertThatThrownBy(() -> upload.seal(task -> {
            throw new java.util.concurrent.RejectedExecutionException("no threads");
        })).isInstanceOf(IOException.class);
        assertThat(blobs.list()).isEmpty();
        assertThat(blobs.temporaries()).isZero();
    }

    @Test
    void badWriteArgumentsAbortTheUpload() throws Exception {
        DocumentVault.Upload upload = vault.begin();
        assertThatThrownBy(() -> upload.write(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(upload::finish).isInstanceOf(IllegalStateException.class);
        assertThat(blobs.temporaries()).isZero();
    }

    @Test
    void segmentSizeIsValidated() {
        assertThatThrownBy(() -> new DocumentVault(blobs, masterKeys, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentSize");
        assertThatThrownBy(() -> new DocumentVault(blobs, masterKeys, 32 * 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    private void assertTampered(StoredDocument doc) {
        assertThatThrownBy(() -> readStream(doc.key()))
                .as("openStream").isInstanceOf(TamperedDocumentException.class);
        assertThatThrownBy(() -> readChannel(vault, doc, 37))
                .as("openReadOnly").isInstanceOf(TamperedDocumentException.class);
    }

    private StoredDocument store(DocumentVault v, byte[] plain) throws IOException {
        try (DocumentVault.Upload upload = v.begin()) {
            int off = 0;
            while (off < plain.length) {
                int n = Math.min(plain.length - off, 1 + random.nextInt(3 * SEGMENT + 5000));
                upload.write(plain, off, n);
                off += n;
            }
            upload.write(plain, 0, 0);
            return upload.finish();
        }
    }

    private byte[] readStream(DocumentKey key) throws IOException {
        try (InputStream in = vault.openStream(key)) {
            return in.readAllBytes();
        }
    }

    private static byte[] readChannel(DocumentVault v, StoredDocument doc, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableByteChannel ch = v.openReadOnly(doc.key(), doc.size())) {
            ByteBuffer buf = ByteBuffer.allocate(chunk);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        return out.toByteArray();
    }

    private void flipBit(StoredDocument doc, long offset) throws IOException {
        byte[] c = Files.readAllBytes(blobs.path(doc.blobId()));
        c[(int) offset] ^= 0x10;
        Files.write(blobs.path(doc.blobId()), c);
    }

    private void truncate(StoredDocument doc, long length) throws IOException {
        byte[] c = Files.readAllBytes(blobs.path(doc.blobId()));
        Files.write(blobs.path(doc.blobId()), Arrays.copyOf(c, (int) length));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
