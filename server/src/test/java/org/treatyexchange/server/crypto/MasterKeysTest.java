package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyException;
import java.security.KeyStoreException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.crypto.DocumentVault.StoredDocument;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;

class MasterKeysTest {

    private static final char[] PASSWORD = "s3cret-pass".toCharArray();

    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyKeystoreWithOneTimeOrderedKey() throws Exception {
        Path file = dir.resolve("master.p12");
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T03:16:11Z"), ZoneOffset.UTC);
        MasterKeys keys = MasterKeys.openOrCreate(file, PASSWORD, clock);

        assertThat(keys.activeKeyId()).matches("mk-20261123T031611Z-[a-z2-7]{10}");
        assertThat(keys.keyIds()).containsExactly(keys.activeKeyId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var temps = Files.list(dir)) {
            assertThat(temps.map(p -> p.getFileName().toString())).containsExactly("master.p12");
        }
    }

    @Test
    void reopensWithTheRightPasswordAndKeepsTheActiveKey() throws Exception {
        Path file = dir.resolve("master.p12");
        MasterKeys first = MasterKeys.openOrCreate(file, PASSWORD);
        String second = first.rotate();
        DocumentKey wrapped = first.wrapFor("blob-1", new byte[32]);

        MasterKeys reopened = MasterKeys.openOrCreate(file, "s3cret-pass".toCharArray());
        assertThat(reopened.activeKeyId()).isEqualTo(second);
        assertThat(reopened.keyIds()).containsExactlyElementsOf(first.keyIds());
        assertThat(reopened.unwrap(wrapped)).isEqualTo(new byte[32]);
    }

    @Test
    void refusesTheWrongPasswordWithAClearMessage() throws Exception {
        Path file = dir.resolve("master.p12");
        MasterKeys.openOrCreate(file, PASSWORD);
        assertThatThrownBy(() -> MasterKeys.openOrCreate(file, "wrong".toCharArray()))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("master keystore master.p12 could not be opened: wrong password or damaged file")
                .hasNoCause();
    }

    @Test
    void refusesADamagedFile() throws Exception {
        Path file = dir.resolve("master.p12");
        MasterKeys.openOrCreate(file, PASSWORD);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> MasterKeys.openOrCreate(file, PASSWORD))
                .isInstanceOf(KeyStoreException.class).hasMessageContaining("wrong password or damaged file");
    }

    @Test
    void rotationKeepsOldDocumentsReadableAndRewrapMovesThem() throws Exception {
        Path file = dir.resolve("master.p12");
        MasterKeys keys = MasterKeys.openOrCreate(file, PASSWORD);
        TempDirBlobStore blobs = new TempDirBlobStore(dir.resolve("store"));
        DocumentVault vault = new DocumentVault(blobs, keys, 1024);
        byte[] plain = new byte[5000];
        new Random(1).nextBytes(plain);
        StoredDocument doc;
        try (DocumentVault.Upload upload = vault.begin()) {
            upload.write(plain, 0, plain.length);
            doc = upload.finish();
        }
        String oldId = keys.activeKeyId();

        String newId = keys.rotate();
        assertThat(newId).isNotEqualTo(oldId).isGreaterThan(oldId);
        assertThat(keys.activeKeyId()).isEqualTo(newId);
        assertThat(keys.keyIds()).containsExactly(oldId, newId);
        assertThat(read(vault, doc.key())).isEqualTo(plain);

        DocumentKey rewrapped = keys.rewrap(doc.key());
        assertThat(rewrapped.masterKeyId()).isEqualTo(newId);
        assertThat(rewrapped.blobId()).isEqualTo(doc.blobId());
        assertThat(rewrapped.wrappedKey()).isNotEqualTo(doc.key().wrappedKey());
        assertThat(keys.unwrap(rewrapped)).isEqualTo(keys.unwrap(doc.key()));
        assertThat(keys.rewrap(rewrapped)).isSameAs(rewrapped);
        // After a restart too.
        MasterKeys reopened = MasterKeys.openOrCreate(file, PASSWORD);
        assertThat(read(new DocumentVault(blobs, reopened, 1024), rewrapped)).isEqualTo(plain);
        assertThat(read(new DocumentVault(blobs, reopened, 1024), doc.key())).isEqualTo(plain);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void idsStayOrderedWhenTheClockGoesBackwards() throws Exception {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("m.p12"), PASSWORD,
                Clock.fixed(Instant.parse("2026-11-23T03:16:11Z"), ZoneOffset.UTC));
        String a = keys.activeKeyId();
        String b = keys.rotate();
        String c = keys.rotate();
        assertThat(List.of(a, b, c)).isSorted().doesNotHaveDuplicates();
        assertThat(b).startsWith("mk-20261123T031612Z-");
    }

    @Test
    void wrappedKeyIsBoundToBlobIdAndKeyId() throws Exception {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("m.p12"), PASSWORD);
        byte[] dataKey = new byte[32];
        new Random(2).nextBytes(dataKey);
        DocumentKey k = keys.wrapFor("blob-a", dataKey);
        assertThat(k.wrappedKey()).hasSize(12 + 32 + 16);
        assertThat(keys.unwrap(k)).isEqualTo(dataKey);

        assertThatThrownBy(() -> keys.unwrap(new DocumentKey("blob-b", k.masterKeyId(), k.wrappedKey())))
                .isInstanceOf(AEADBadTagException.class).hasMessageContaining("blob-b");
        String other = keys.rotate();
        assertThatThrownBy(() -> keys.unwrap(new DocumentKey("blob-a", other, k.wrappedKey())))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> keys.unwrap(new DocumentKey("blob-a", "mk-nope", k.wrappedKey())))
                .isInstanceOf(KeyException.class).hasMessageContaining("unknown master key id mk-nope");
        byte[] flipped = k.wrappedKey().clone();
        flipped[20] ^= 1;
        assertThatThrownBy(() -> keys.unwrap(new DocumentKey("blob-a", k.masterKeyId(), flipped)))
                .isInstanceOf(AEADBadTagException.class);

        byte[] raw = keys.wrap(dataKey, new byte[] {1, 2});
        assertThat(keys.unwrap(keys.activeKeyId(), raw, new byte[] {1, 2})).isEqualTo(dataKey);
        assertThatThrownBy(() -> keys.unwrap(keys.activeKeyId(), raw, new byte[] {1, 3}))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> keys.wrap(new byte[16], new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnEmptyPassword() {
        assertThatThrownBy(() -> MasterKeys.openOrCreate(dir.resolve("m.p12"), new char[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] read(DocumentVault vault, DocumentKey key) throws Exception {
        try (InputStream in = vault.openStream(key)) {
            return in.readAllBytes();
        }
    }

    /** AES-GCM under one master key: a repeated nonce would leak both data keys and the key's authentication key. */
    @Test
    void everyWrapDrawsAFreshNonce() throws Exception {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("master.p12"), PASSWORD);
        byte[] dataKey = new byte[32];
        java.util.Set<String> nonces = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            DocumentKey wrapped = keys.wrapFor("blob-1", dataKey);
            nonces.add(java.util.HexFormat.of().formatHex(wrapped.wrappedKey(), 0, 12));
            assertThat(keys.unwrap(wrapped)).isEqualTo(dataKey);
        }
        assertThat(nonces).as("nonces of 20 wraps of one key for one blob").hasSize(20);
    }

    @Test
    void aDataKeyIsNeverBoundToAnEmptyBlobId() throws Exception {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("master.p12"), PASSWORD);
        DocumentKey wrapped = keys.wrapFor("blob-1", new byte[32]);
        assertThatThrownBy(() -> keys.wrapFor("", new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.unwrap(new DocumentKey("", wrapped.masterKeyId(), wrapped.wrappedKey())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
