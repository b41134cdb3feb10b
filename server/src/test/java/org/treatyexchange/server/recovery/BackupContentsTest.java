package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Server;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.admin.AdminCli;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;

/**
 * Pen-test finding 4: the README said "the keystore password is not in the backup… a thief of the
 * backup alone reads nothing", but a demo backup held {@code keys/demo-master-password}, the live
 * password, and every backup held the SSH host private keys unencrypted. The demo exactly as
 * {@code scripts/start} runs it (no password given: the demo generates one into the home), backed up
 * with the admin CLI, then searched byte by byte.
 */
class BackupContentsTest {

    @TempDir
    Path tmp;

    @Test
    void aDemoBackupHoldsNeitherTheKeystorePasswordNorAnUnencryptedHostKeyAndARestoreGetsTheSameHostKeysBack() throws Exception {
        Path home = tmp.resolve("home");
        ServerConfig config = config(home);
        Path backup = tmp.resolve("backup");
        String password;
        List<String> fingerprints;
        List<byte[]> secrets = new ArrayList<>();
        try (Server server = Server.start(config, Map.of(), Clock.systemUTC())) {
            fingerprints = server.hostKeyFingerprints();
            password = Files.readString(home.resolve("keys/demo-master-password")).strip();
            assertThat(password).hasSizeGreaterThan(20);
            secrets.add(password.getBytes(StandardCharsets.UTF_8));
            for (String hostKey : List.of("ssh_host_ed25519_key", "ssh_host_rsa_key")) {
                String file = Files.readString(home.resolve("keys").resolve(hostKey), StandardCharsets.US_ASCII);
                assertThat(file).contains("PRIVATE KEY");
                // the key material itself: the longest base64 line of the OpenSSH file, and its decoded bytes
                String body = file.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
                byte[] raw = Base64.getMimeDecoder().decode(body);
                secrets.add(body.substring(body.length() / 2, body.length() / 2 + 40).getBytes(StandardCharsets.US_ASCII));
                secrets.add(java.util.Arrays.copyOfRange(raw, raw.length - 80, raw.length - 40));
            }
            String taken = admin(home, "backup", "-o", backup.toString());
            assertThat(taken).startsWith("0\n");
        }

        List<Path> files;
        try (Stream<Path> all = Files.walk(backup)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).doesNotContain("demo-master-password", "ssh_host_ed25519_key",
                "ssh_host_rsa_key").contains("ssh-host-keys.p12", "master.p12");
        for (Path f : files) {
            byte[] content = Files.readAllBytes(f);
            String text = new String(content, StandardCharsets.ISO_8859_1);
            assertThat(text).as("%s holds no private key in the clear", backup.relativize(f)).doesNotContain("PRIVATE KEY")
                    .doesNotContain("openssh-key-v1");
            for (byte[] secret : secrets) {
                assertThat(indexOf(content, secret)).as("%s holds the password or host key bytes", backup.relativize(f)).isEqualTo(-1);
            }
        }
        // the host keys are in the backup only behind the keystore password
        KeyStore sealed = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(backup.resolve("keys/ssh-host-keys.p12"))) {
            assertThatThrownBy(() -> sealed.load(in, "not-the-password".toCharArray())).hasMessageContaining("integrity");
        }

        // Restored, and started with the password kept apart: the same host keys (States have pinned them).
        Path restored = tmp.resolve("restored");
        Backups.restore(backup, restored, Clock.systemUTC());
        assertThat(restored.resolve("keys/ssh_host_ed25519_key")).doesNotExist();
        try (Server again = Server.start(config(restored), Map.of("EXCHANGE_MASTER_PASSWORD", password), Clock.systemUTC())) {
            assertThat(again.hostKeyFingerprints()).isEqualTo(fingerprints);
        }
        assertThat(restored.resolve("keys/demo-master-password")).doesNotExist();
    }

    private static ServerConfig config(Path home) throws Exception {
        return ServerConfigLoader.load(TestExchange.REPO.resolve("config/server.yaml")).withHome(home).withSftpPort(0).withApiPort(0)
                .withRegistryFile(TestExchange.REPO.resolve("config/registry.yaml"));
    }

    private static String admin(Path home, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int code = AdminCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
        return code + "\n" + out;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
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
