package org.treatyexchange.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.SshKeyFiles;

/** The operator's commands against a running server, through the real admin socket. */
class AdminCliTest {

    @TempDir
    static Path tmp;

    static Path registry;
    /** A copy of the demo registry that the tests edit. */
    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> TestExchange.withRegistry(c,
            registry = TestExchange.copyShippedRegistry(tmp.resolve("registry.yaml"))));

    static String file(String account, String path, byte[] content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
            try (OutputStream out = sftp.write(path)) {
                out.write(content);
            }
        }
        String listing = exchange.admin("filings");
        String name = path.substring(path.lastIndexOf('/') + 1);
        return listing.lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    @Test
    void rotatingTheMasterKeyRewrapsKeysAndDocumentsStillOpen() throws Exception {
        byte[] content = "filed before the rotation".getBytes(StandardCharsets.UTF_8);
        String id = file("arcadia-officer", "/submit/correspondence/secretariat/before-rotation.txt", content);
        String out = exchange.admin("rotate-master-key");
        assertThat(out).startsWith("0\n").contains("activeKeyId");
        assertThat(out).containsPattern("\"rewrappedDataKeys\" : [1-9]");

        Path exported = tmp.resolve("after-rotation.txt");
        assertThat(exchange.admin("export", id, "-o", exported.toString())).startsWith("0\n");
        assertThat(Files.readAllBytes(exported)).isEqualTo(content);

        // and after a restart, with only the keystore on disk to go by
        exchange.restart();
        Path again = tmp.resolve("after-restart.txt");
        assertThat(exchange.admin("export", id, "-o", again.toString())).startsWith("0\n");
        assertThat(Files.readAllBytes(again)).isEqualTo(content);
    }

    @Test
    void anExportedAuditLogVerifiesOfflineAndAnEditIsNamed() throws Exception {
        file("borealia-officer", "/submit/correspondence/secretariat/audit-me.txt", "x".getBytes(StandardCharsets.UTF_8));
        // a refused request is an audit event too
        try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s)) {
            assertThatThrownBy(() -> sftp.remove("/submit/correspondence/secretariat/audit-me.txt")).isInstanceOf(Exception.class);
        }
        Path export = tmp.resolve("audit.jsonl");
        assertThat(exchange.admin("export-audit", "-o", export.toString())).startsWith("0\n");
        List<String> lines = Files.readAllLines(export);
        assertThat(lines).anyMatch(l -> l.contains("\"filing.accepted\"") && l.contains("borealia-officer"));
        assertThat(lines).anyMatch(l -> l.contains("\"sftp.refused\"") && l.contains("audit-me.txt") && l.contains("REMOVE"));
        assertThat(lines).anyMatch(l -> l.contains("\"auth.success\""));
        assertThat(exchange.admin("verify-audit", "--file", export.toString())).startsWith("0\n").contains("audit export VERIFIED");

        // an auditor's copy with one edited event is caught, and the event is named
        String edited = lines.get(2).replaceFirst("\"source\":\"[^\"]*\"", "\"source\":\"elsewhere\"");
        assertThat(edited).isNotEqualTo(lines.get(2));
        List<String> tampered = new java.util.ArrayList<>(lines);
        tampered.set(2, edited);
        Path bad = tmp.resolve("audit-edited.jsonl");
        Files.write(bad, tampered);
        Files.copy(tmp.resolve("audit.jsonl.p7s"), tmp.resolve("audit-edited.jsonl.p7s"));
        assertThat(exchange.admin("verify-audit", "--file", bad.toString())).startsWith("1\n").contains("BROKEN at event 3");
    }

    @Test
    void reloadingTheRegistryKeepsTheRunningOneOnABadFileAndAppliesAGoodOne() throws Exception {
        String original = Files.readString(registry);
        Path newKey = tmp.resolve("new-officer-key");
        PublicKey pub = SshKeyFiles.generateEd25519(newKey, "new");
        try {
            Files.writeString(registry, original.replace("code: ARC", "code: arc"));
            String refused = exchange.admin("reload-registry");
            assertThat(refused).startsWith("2\n").contains("refused (malformed)").contains("registry.yaml").contains("states[0].code");
            // still the old registry: ARC is a State and its officer logs in as one of it
            assertThat(exchange.admin("instructions", "--state", "ARC")).startsWith("0\n");
            try (org.apache.sshd.client.session.ClientSession still = exchange.login("arcadia-officer");
                    org.apache.sshd.sftp.client.SftpClient sftp = exchange.sftp(still)) {
                assertThat(sftp.readDir("/submit")).extracting(e -> e.getFilename()).contains("annual-report");
            }

            // register a new key for an account, as the README tells a State to do
            String withKey = original.replace("  - name: sylvania-officer\n    state: SYL\n    role: state-officer\n",
                    "  - name: sylvania-officer\n    state: SYL\n    role: state-officer\n    sshKeys:\n      - \""
                            + SshKeyFiles.authorizedKeyLine(pub, "new") + "\"\n");
            assertThat(withKey).isNotEqualTo(original);
            Files.writeString(registry, withKey);
            assertThat(exchange.admin("reload-registry")).startsWith("0\n").contains("sylvania-officer");
            java.security.KeyPair pair;
            try (java.io.InputStream in = Files.newInputStream(newKey)) {
                pair = org.apache.sshd.common.util.security.SecurityUtils.loadKeyPairIdentities(null, () -> "k", in, null).iterator().next();
            }
            try (ClientSession s = exchange.login("sylvania-officer", pair)) {
                assertThat(s.isAuthenticated()).isTrue();
            }
        } finally {
            Files.writeString(registry, original);
            exchange.admin("reload-registry");
        }
    }

    @Test
    void theCliSaysSoWhenNoServerRuns() {
        java.io.StringWriter w = new java.io.StringWriter();
        int code = AdminCli.run(new String[] {"--home", tmp.resolve("nowhere").toString(), "verify-audit"}, new java.io.PrintWriter(w, true),
                new java.io.PrintWriter(w, true));
        assertThat(code).isEqualTo(3);
        assertThat(w.toString()).contains("cannot reach the server");
    }
}
