package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesAWorldReadableFileWithAnOwnerOnlyOneAndLeavesNoTemporary() throws Exception {
        Path file = dir.resolve("sub").resolve("secret.bin");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        OwnerOnlyFiles.writeSecret(file, new byte[] {1, 2, 3});

        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void publicFilesAreExactly0644() throws Exception {
        Path file = dir.resolve("cert.pem");
        OwnerOnlyFiles.writePublic(file, new byte[0]);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void masterKeystoreRecordsTheActiveKeyInItsAliases() throws Exception {
        Path file = dir.resolve("m.p12");
        MasterKeys keys = MasterKeys.openOrCreate(file, "pw-123".toCharArray());
        keys.rotate();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            ks.load(in, "pw-123".toCharArray());
        }
        assertThat(Collections.list(ks.aliases()))
                .hasSize(2)
                .filteredOn(a -> a.endsWith(MasterKeys.ACTIVE_SUFFIX))
                .containsExactly(keys.activeKeyId().toLowerCase(java.util.Locale.ROOT) + MasterKeys.ACTIVE_SUFFIX);
    }
}
