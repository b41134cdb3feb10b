package org.treatyexchange.server.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest {

    @TempDir
    Path temp;
    Path dir;
    BlobStore blobs;

    @BeforeEach
    void open() {
        dir = temp.resolve("blobs");
        blobs = BlobStores.local(dir, true);
    }

    private String write(byte[] content) throws IOException {
        try (BlobStore.Writer w = blobs.create()) {
            w.stream().write(content);
            w.commit();
            return w.blobId();
        }
    }

    @Test
    void committedBlobIsReadableUnderItsFannedOutId() throws Exception {
        byte[] content = "encrypted bytes".getBytes(StandardCharsets.UTF_8);
        String id = write(content);
        assertThat(id).matches("[a-z2-7]{26}");
        assertThat(dir.resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id)).isRegularFile();
        assertThat(blobs.exists(id)).isTrue();
        assertThat(blobs.size(id)).isEqualTo(content.length);
        try (InputStream in = blobs.openStream(id)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        try (SeekableByteChannel ch = blobs.open(id)) {
            ByteBuffer b = ByteBuffer.allocate(5);
            ch.position(10);
            ch.read(b);
            assertThat(new String(b.array(), StandardCharsets.UTF_8)).isEqualTo("bytes");
        }
        assertThat(blobs.list()).containsExactly(id);
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void blobsWrittenOneAfterTheOtherShareAFanOutDirectoryUntilItHoldsItsShareThenMoveOn() throws Exception {
        int n = LocalBlobStore.BLOBS_PER_DIRECTORY;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n + 1; i++) {
            ids.add(write(new byte[] {(byte) i}));
        }
        assertThat(ids).hasSize(n + 1).allMatch(id -> id.matches("[a-z2-7]{26}"));
        Set<String> prefixes = new HashSet<>();
        ids.forEach(id -> prefixes.add(id.substring(0, 4)));
        // one directory for the first n (a new one per document cost a mkdir and an fsync each), another for the next
        assertThat(prefixes).hasSize(2);
        // the rest of each id is still random
        assertThat(ids.stream().map(id -> id.substring(4, 12)).distinct().count()).isEqualTo(n + 1);
        assertThat(blobs.list()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void nothingIsVisibleBeforeCommitAndAbortLeavesNothing() throws Exception {
        BlobStore.Writer w = blobs.create();
        w.stream().write(new byte[1000]);
        w.stream().flush();
        assertThat(blobs.exists(w.blobId())).isFalse();
        assertThat(blobs.list()).isEmpty();
        assertThat(temporaries()).hasSize(1);
        w.abort();
        assertThat(temporaries()).isEmpty();
        assertThat(blobs.exists(w.blobId())).isFalse();
        assertThatThrownBy(w::commit).isInstanceOf(IOException.class);

        // close() without commit is an abort
        String id;
        try (BlobStore.Writer w2 = blobs.create()) {
            w2.stream().write(1);
            id = w2.blobId();
        }
        assertThat(blobs.exists(id)).isFalse();
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void commitTwiceIsRefusedAndCloseAfterCommitKeepsTheBlob() throws Exception {
        BlobStore.Writer w = blobs.create();
        w.stream().write(42);
        w.commit();
        assertThatThrownBy(w::commit).isInstanceOf(IOException.class);
        w.close();
        assertThat(blobs.size(w.blobId())).isEqualTo(1);
    }

    @Test
    void removeTemporariesClearsWhatACrashLeft() throws Exception {
        BlobStore.Writer a = blobs.create();
        a.stream().write(1);
        a.stream().flush();
        BlobStore.Writer b = blobs.create();
        String kept = write(new byte[] {7});
        // Simulate a restart: a fresh store over the same directory
        BlobStore restarted = BlobStores.local(dir, true);
        assertThat(restarted.removeTemporaries()).isEqualTo(2);
        assertThat(temporaries()).isEmpty();
        assertThat(restarted.list()).containsExactly(kept);
        assertThat(restarted.removeTemporaries()).isZero();
        b.abort();
        a.abort();
    }

    @Test
    void idsAreRandomAndDistinct() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            BlobStore.Writer w = blobs.create();
            ids.add(w.blobId());
            w.abort();
        }
        assertThat(ids).hasSize(200);
    }

    @Test
    void invalidIdsAreRefusedOnEveryCall() throws Exception {
        write(new byte[] {1});
        Files.writeString(temp.resolve("secret"), "not yours");
        String valid = "a".repeat(26);
        List<String> bad = List.of("../x", "", "/etc/passwd", temp.resolve("secret").toString(),
                "../../secret", "a".repeat(27), "a".repeat(10_000), "A".repeat(26), "aa/bb/" + valid,
                valid.substring(1) + "/", valid.substring(1) + "1", valid.substring(1) + ".", "tmp");
        for (String id : bad) {
            assertThatThrownBy(() -> blobs.open(id)).as(id).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(temp.toString());
            assertThatThrownBy(() -> blobs.openStream(id)).as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> blobs.exists(id)).as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> blobs.size(id)).as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> blobs.delete(id)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> blobs.open(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(temp.resolve("secret")).exists();
    }

    @Test
    void missingBlobIsNoSuchFileWithoutAHostPath() {
        String id = "b".repeat(26);
        assertThatThrownBy(() -> blobs.open(id)).isInstanceOf(NoSuchFileException.class)
                .hasMessage("blob " + id).hasMessageNotContaining(temp.toString());
        assertThatThrownBy(() -> blobs.openStream(id)).isInstanceOf(NoSuchFileException.class)
                .hasMessageNotContaining(temp.toString());
        assertThatThrownBy(() -> blobs.size(id)).isInstanceOf(NoSuchFileException.class)
                .hasMessageNotContaining(temp.toString());
    }

    @Test
    void deleteRemovesOnlyThatBlob() throws Exception {
        String a = write(new byte[] {1});
        String b = write(new byte[] {2});
        blobs.delete(a);
        assertThat(blobs.exists(a)).isFalse();
        assertThat(blobs.list()).containsExactly(b);
        blobs.delete(a); // already gone: nothing to do
    }

    @Test
    void everythingIsOwnerOnly() throws Exception {
        // fails, never skips: the blob store's owner-only permissions are only checkable on a POSIX file system
        assertThat(dir.getFileSystem().supportedFileAttributeViews()).as("file attribute views of the test directory").contains("posix");
        String id = write(new byte[] {1});
        BlobStore.Writer pending = blobs.create();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                if (Files.isDirectory(p)) {
                    assertThat(perms).as(dir.relativize(p).toString()).isEqualTo("rwx------");
                } else {
                    assertThat(perms).as(dir.relativize(p).toString()).isEqualTo("rw-------");
                }
            }
        }
        assertThat(blobs.exists(id)).isTrue();
        pending.abort();
    }

    @Test
    void withoutFsyncItStillWorks() throws Exception {
        BlobStore fast = BlobStores.local(temp.resolve("fast"), false);
        try (BlobStore.Writer w = fast.create()) {
            OutputStream out = w.stream();
            out.write(new byte[100_000]);
            w.commit();
            assertThat(fast.size(w.blobId())).isEqualTo(100_000);
        }
    }

    @Test
    void aBlobWrittenBackWhileArrivingIsCommittedWhole() throws Exception {
        // a write-back every 64 KiB, so a 3 MiB blob goes through dozens of them while being written
        BlobStore small = new LocalBlobStore(temp.resolve("writeback"), true, 64 * 1024);
        byte[] chunk = new byte[8 * 1024 + 3]; // not a multiple of the buffer: flushes fall anywhere
        java.security.MessageDigest written = java.security.MessageDigest.getInstance("SHA-256");
        String id;
        try (BlobStore.Writer w = small.create()) {
            for (int i = 0; i < 380; i++) {
                java.util.Arrays.fill(chunk, (byte) i);
                w.stream().write(chunk);
                written.update(chunk);
            }
            w.commit();
            id = w.blobId();
        }
        try (InputStream in = small.openStream(id)) {
            assertThat(java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())).isEqualTo(written.digest());
        }
        assertThat(small.size(id)).isEqualTo(380L * chunk.length);
    }

    @Test
    void anAbortDuringWriteBackLeavesNothing() throws Exception {
        Path d = temp.resolve("writeback-abort");
        BlobStore small = new LocalBlobStore(d, true, 64 * 1024);
        BlobStore.Writer w = small.create();
        for (int i = 0; i < 64; i++) {
            w.stream().write(new byte[32 * 1024]);
        }
        w.abort();
        assertThat(small.exists(w.blobId())).isFalse();
        assertThat(small.list()).isEmpty();
        try (Stream<Path> s = Files.list(d.resolve("tmp"))) {
            assertThat(s.toList()).isEmpty();
        }
        assertThatThrownBy(w::commit).isInstanceOf(IOException.class);
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            return s.toList();
        }
    }
}
