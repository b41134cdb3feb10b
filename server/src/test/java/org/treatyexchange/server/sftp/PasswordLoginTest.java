package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.crypto.PasswordHash;

/**
 * SSH password authentication against the real server, with MINA's client and the stock OpenSSH
 * {@code sftp} (fed the password through {@code SSH_ASKPASS}, never a command-line argument): off by
 * default even for an account that has a hash; when switched on, only the right password of an
 * account with a hash logs in, every refusal looks the same, and wrong passwords lock out. Each test
 * speaks from its own loopback addresses so that lockouts stay apart.
 */
class PasswordLoginTest {

    static final int MAX_FAILURES = 3;
    static final String REFUSED_BOTH = "Permission denied (publickey,password).";
    /** How the audit export shows the detail method=password (details are a JSON string inside the line). */
    static final String METHOD_PASSWORD = "\\\"method\\\":\\\"password\\\"";

    @TempDir
    static Path tmp;

    static String password;
    static String hash;
    static Path registry;
    static TestExchange exchange; // passwords on

    @BeforeAll
    static void start() throws Exception {
        password = "pw-" + UUID.randomUUID();
        hash = PasswordHash.create(password.toCharArray()).encoded();
        registry = tmp.resolve("registry.yaml");
        String shipped = Files.readString(TestExchange.REPO.resolve("config/registry.yaml"));
        String changed = shipped;
        for (String account : List.of("arcadia-officer", "calvera-officer")) {
            String marker = "  - name: " + account + "\n";
            assertThat(changed).contains(marker);
            changed = changed.replace(marker, marker + "    passwordHash: '" + hash + "'\n");
            // its registered hash replaces the demo's generated password (an account has one or the other)
            changed = changed.replaceFirst("(  - name: " + account + "\n(    .*\n)*?)    demoPassword: true\n", "$1");
        }
        Files.writeString(registry, changed);
        exchange = TestExchange.start(tmp.resolve("home"), c -> TestExchange.withRegistry(c, registry)
                .withSftp(c.sftp().withPasswordAuthentication(true)
                        .withLockout(new ServerConfig.Lockout(MAX_FAILURES, Duration.ofHours(1), Duration.ofHours(1)))));
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    @Test
    void offByDefaultThePasswordMethodIsNotOfferedEvenToAnAccountWithAHash() throws Exception {
        assertThat(ServerConfig.defaults().sftp().passwordAuthentication()).isFalse();
        try (TestExchange off = TestExchange.start(tmp.resolve("home-off"), c -> TestExchange.withRegistry(c, registry))) {
            Processes.Result stock = stockSftp(off, "arcadia-officer", password, "127.0.0.71");
            assertThat(stock.exitCode()).isEqualTo(255);
            assertThat(stock.output()).contains("Permission denied (publickey).").doesNotContain("Remote working directory");
            assertThat(passwordLogin(off, "arcadia-officer", password, "127.0.0.72")).isFalse();
            // the key still works
            try (ClientSession s = off.login("arcadia-officer", off.keyPair("arcadia-officer"), "127.0.0.72")) {
                assertThat(s.isAuthenticated()).isTrue();
            }
        }
    }

    @Test
    void theRightPasswordLogsInWithTheStockClientAndMina() throws Exception {
        Processes.Result stock = stockSftp(exchange, "arcadia-officer", password, "127.0.0.81");
        assertThat(stock.exitCode()).as(stock.output()).isZero();
        assertThat(stock.output()).contains("Remote working directory: /");
        SshClient client = passwordClient();
        try (ClientSession s = client.connect("arcadia-officer", "127.0.0.1", exchange.port(), null,
                new InetSocketAddress("127.0.0.82", 0)).verify(Duration.ofSeconds(10)).getSession()) {
            s.addPasswordIdentity(password);
            s.auth().verify(Duration.ofSeconds(30));
            try (SftpClient sftp = exchange.sftp(s)) {
                assertThat(sftp.canonicalPath(".")).isEqualTo("/");
                assertThat(names(sftp, "/")).contains("submit", "receipts");
            }
        } finally {
            client.stop();
        }
        String logins = auditLines("auth.success", "arcadia-officer");
        assertThat(logins).contains(METHOD_PASSWORD).contains("127.0.0.81").contains("127.0.0.82");
        String audit = auditLines("", "");
        assertThat(audit).doesNotContain(password).doesNotContain(hash.substring(hash.lastIndexOf('$') + 1));
        // the key keeps working alongside
        try (ClientSession s = exchange.login("arcadia-officer", exchange.keyPair("arcadia-officer"), "127.0.0.83")) {
            assertThat(s.isAuthenticated()).isTrue();
        }
    }

    @Test
    void aWrongPasswordAnUnknownAccountAndAnAccountWithoutAHashGetTheSameAnswer() throws Exception {
        Processes.Result wrong = stockSftp(exchange, "arcadia-officer", password + "x", "127.0.0.91");
        Processes.Result unknown = stockSftp(exchange, "nobody-at-all", password, "127.0.0.92");
        Processes.Result noHash = stockSftp(exchange, "borealia-system", password, "127.0.0.93");
        // the same refusal but for the user name the client echoes (what the client prints after it,
        // "Connection closed" with or without a period, depends on which side of the socket closes first)
        String answer = refusal(wrong, "arcadia-officer");
        assertThat(answer).isEqualTo("USER@127.0.0.1: " + REFUSED_BOTH);
        assertThat(refusal(unknown, "nobody-at-all")).isEqualTo(answer);
        assertThat(refusal(noHash, "borealia-system")).isEqualTo(answer);
        assertThat(List.of(wrong.exitCode(), unknown.exitCode(), noHash.exitCode())).containsOnly(255);
        assertThat(passwordLogin(exchange, "arcadia-officer", password.toUpperCase(java.util.Locale.ROOT), "127.0.0.94")).isFalse();
        String failures = auditLines("auth.failure", METHOD_PASSWORD);
        assertThat(failures).contains("wrong-password").contains("unknown-or-disabled-account").contains("no-password-registered")
                .doesNotContain(password);
    }

    /** The stock client's refusal line, with the account name it echoes replaced by USER. */
    static String refusal(Processes.Result r, String account) {
        return r.output().lines().filter(l -> l.contains("Permission denied")).findFirst().orElse(r.output())
                .replace(account + "@", "USER@").strip();
    }

    @Test
    void repeatedWrongPasswordsLockOutTheAccountEvenForTheRightPassword() throws Exception {
        // MAX_FAILURES wrong passwords in one connection: each one counts
        List<String> guesses = new ArrayList<>();
        for (int i = 0; i < MAX_FAILURES; i++) {
            guesses.add("guess-" + i);
        }
        assertThat(passwordLogin(exchange, "calvera-officer", guesses, "127.0.0.101")).isFalse();
        // the account is locked: the right password from another source is refused, so is its key
        assertThat(passwordLogin(exchange, "calvera-officer", password, "127.0.0.102")).isFalse();
        assertThatThrownBy(() -> exchange.login("calvera-officer", exchange.keyPair("calvera-officer"), "127.0.0.103"))
                .isInstanceOf(IOException.class);
        // the source is locked too, even for another account with its right password
        assertThat(passwordLogin(exchange, "arcadia-officer", password, "127.0.0.101")).isFalse();
        // everyone else is served
        assertThat(passwordLogin(exchange, "arcadia-officer", password, "127.0.0.104")).isTrue();
        String lockouts = auditLines("auth.lockout", "");
        assertThat(lockouts).contains("calvera-officer").contains("127.0.0.101");
        assertThat(auditLines("auth.failure", "calvera-officer")).contains("locked-out");
    }

    // ---- helpers -------------------------------------------------------------------------------

    static SshClient passwordClient() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE));
        client.start();
        return client;
    }

    static boolean passwordLogin(TestExchange server, String account, String pw, String source) throws IOException {
        return passwordLogin(server, account, List.of(pw), source);
    }

    /** Tries {@code passwords} in one connection; whether it ended authenticated. */
    static boolean passwordLogin(TestExchange server, String account, List<String> passwords, String source) throws IOException {
        SshClient client = passwordClient();
        try (ClientSession s = client.connect(account, "127.0.0.1", server.port(), null, new InetSocketAddress(source, 0))
                .verify(Duration.ofSeconds(10)).getSession()) {
            passwords.forEach(s::addPasswordIdentity);
            try {
                s.auth().verify(Duration.ofSeconds(60));
                return s.isAuthenticated();
            } catch (IOException e) {
                return false;
            }
        } catch (IOException e) {
            return false; // closed before authentication (a locked-out source)
        } finally {
            client.stop();
        }
    }

    /** The audit export's lines of one event type (all: "") that mention {@code who}. */
    static String auditLines(String type, String who) throws IOException {
        Path out = tmp.resolve("audit-" + System.nanoTime() + ".jsonl");
        assertThat(exchange.admin("export-audit", "-o", out.toString())).startsWith("0\n");
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(out)) {
            if (line.contains("\"type\":\"" + type) && line.contains(who)) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    static List<String> names(SftpClient sftp, String dir) throws IOException {
        List<String> out = new ArrayList<>();
        sftp.readDir(dir).forEach(e -> out.add(e.getFilename()));
        return out;
    }

    /**
     * The stock OpenSSH sftp, password authentication only, the password handed over by an askpass
     * program (never argv); it runs {@code pwd} and leaves.
     */
    static Processes.Result stockSftp(TestExchange server, String account, String pw, String source) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "askpass");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, pw + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path askpass = dir.resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\nexec cat '" + secret + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        Path commands = dir.resolve("commands");
        Files.writeString(commands, "pwd\nbye\n");
        Path log = dir.resolve("log");
        ProcessBuilder pb = new ProcessBuilder("setsid", "sftp", "-P", Integer.toString(server.port()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
                "-o", "BindAddress=" + source, account + "@127.0.0.1")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(commands.toFile());
        pb.environment().put("SSH_ASKPASS", askpass.toString());
        pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        pb.environment().put("DISPLAY", ":0");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("sftp did not finish in 120 s");
        }
        return new Processes.Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
