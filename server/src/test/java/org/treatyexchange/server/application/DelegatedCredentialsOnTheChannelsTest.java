package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.SshKeyFiles;
import org.treatyexchange.server.store.DelegationRecords.Change;

/**
 * What a State administrator registers and revokes holds on the channels themselves: a certificate it registered (approved
 * by the secretariat) signs a message over HTTPS with mutual TLS, and once it revokes it the next request is refused; an SSH
 * key it registered logs in over SFTP, and once it removes it the session already open is closed and the next login refused;
 * a system account it added signs a message once the account and its certificate are approved, and not while suspended.
 * Real server on port 0, {@code openssl} and {@code curl}, MINA's SSH client.
 */
class DelegatedCredentialsOnTheChannelsTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> {
        try {
            Path dir = Files.createTempDirectory("delegation-channels-");
            return TestExchange.withRegistry(c, TestExchange.copyShippedRegistry(dir.resolve("registry.yaml")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    });

    @TempDir
    static Path tmp;

    static DelegatedAdministration desk;

    @BeforeAll
    static void appoint() throws Exception {
        desk = exchange.server().delegatedAdministration();
        desk.grantStateAdministrator(Caller.operator(), "sylvania-officer");
    }

    static Caller sylvaniaAdmin() {
        return Callers.of(exchange.server().registry().current().account("sylvania-officer").orElseThrow(), Caller.Channel.PORTAL,
                "password+totp", "127.0.0.1");
    }

    static Caller secretariatAdmin() {
        return new Caller("secretariat-admin", null, Caller.Role.SECRETARIAT_ADMIN, Caller.Channel.PORTAL, "password+totp", "127.0.0.1");
    }

    /** curl over mutual TLS with this key and certificate; returns the HTTP status. */
    static String curl(Path key, Path cert, Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", exchange.server().caCertificate().toString(), "--cert",
                cert.toString(), "--key", key.toString(), "-o", out.toString(), "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        return Processes.run(tmp, cmd).output().strip();
    }

    static String api(String path) {
        return "https://127.0.0.1:" + exchange.server().apiPort() + path;
    }

    /** A report signed with {@code openssl cms} by this key and certificate, sent to /api/v1/messages; returns the status. */
    static String sendSignedReport(Path key, Path cert, String messageId, Path out) throws Exception {
        byte[] doc = ("the national report " + messageId).getBytes(StandardCharsets.UTF_8);
        Path document = tmp.resolve(messageId + ".pdf");
        Files.write(document, doc);
        String json = "{\"version\":1,\"messageId\":\"" + messageId + "\",\"type\":\"filing\",\"state\":\"SYL\",\"createdAt\":\""
                + Instant.now() + "\",\"level\":\"states-parties\",\"reportType\":\"annual-report\",\"period\":\"2025\","
                + "\"title\":\"Annual report 2025\",\"withheld\":false,\"documents\":[{\"name\":\"" + messageId + ".pdf\",\"size\":" + doc.length
                + ",\"sha256\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(doc))
                + "\",\"mediaType\":\"application/pdf\"}]}";
        Path envelope = tmp.resolve(messageId + ".json");
        Files.writeString(envelope, json);
        Path signed = tmp.resolve(messageId + ".p7s");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-md", "sha256",
                "-in", envelope.toString(), "-signer", cert.toString(), "-inkey", key.toString(), "-out", signed.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return curl(key, cert, out, "-F", "envelope=@" + signed + ";type=application/pkcs7-mime", "-F", "document=@" + document
                + ";type=application/pdf", api("/api/v1/messages"));
    }

    @Test
    void aCertificateSignedFromTheStatesRequestSignsAMessageOnceApprovedAndIsRefusedFromTheRequestAfterItsRevocation() throws Exception {
        Path key = tmp.resolve("system.key.pem");
        Path csr = tmp.resolve("system.csr.pem");
        Processes.Result req = Processes.run(tmp, List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=sylvania-system"));
        assertThat(req.exitCode()).as(req.output()).isZero();
        DelegatedAdministration.Outcome signed = desk.signCertificateRequest(sylvaniaAdmin(), "sylvania-system", Files.readString(csr));
        Path cert = tmp.resolve("system.cert.pem");
        Files.writeString(cert, signed.issuedCertificatePem());
        Path out = tmp.resolve("out");
        assertThat(signed.change().status()).isEqualTo("pending");
        assertThat(curl(key, cert, out, api("/api/v1/inbox"))).isEqualTo("403"); // not in force before the secretariat approves

        assertThat(desk.pending(secretariatAdmin())).extracting(Change::id).contains(signed.change().id());
        desk.approve(secretariatAdmin(), signed.change().id());
        assertThat(sendSignedReport(key, cert, "syl-delegated-1", out)).isEqualTo("200");
        assertThat(Files.size(out)).as("the signed receipt").isPositive();

        String fingerprint = org.treatyexchange.server.crypto.LocalCertificateAuthority.fingerprint(
                org.treatyexchange.server.crypto.LocalCertificateAuthority.readPemCertificates(signed.issuedCertificatePem()).get(0));
        assertThat(desk.revokeCertificate(sylvaniaAdmin(), "sylvania-system", fingerprint).change().status()).isEqualTo("applied");
        assertThat(curl(key, cert, out, api("/api/v1/inbox"))).isEqualTo("403");
        assertThat(sendSignedReport(key, cert, "syl-delegated-2", out)).isEqualTo("403");
    }

    @Test
    void aSystemAccountTheStateAddedSignsAMessageOnceApprovedAndCertifiedAndNotWhileSuspended() throws Exception {
        Change added = desk.addSystemAccount(sylvaniaAdmin(), "sylvania-gateway").change();
        assertThat(added.status()).isEqualTo("pending");
        desk.approve(secretariatAdmin(), added.id());
        Path key = tmp.resolve("gateway.key.pem");
        Path csr = tmp.resolve("gateway.csr.pem");
        Processes.Result req = Processes.run(tmp, List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=sylvania-gateway"));
        assertThat(req.exitCode()).as(req.output()).isZero();
        DelegatedAdministration.Outcome signed = desk.signCertificateRequest(sylvaniaAdmin(), "sylvania-gateway", Files.readString(csr));
        Path cert = tmp.resolve("gateway.cert.pem");
        Files.writeString(cert, signed.issuedCertificatePem());
        Path out = tmp.resolve("gateway-out");
        assertThat(curl(key, cert, out, api("/api/v1/inbox"))).isEqualTo("403"); // the certificate awaits approval
        desk.approve(secretariatAdmin(), signed.change().id());
        assertThat(sendSignedReport(key, cert, "syl-gateway-1", out)).isEqualTo("200");
        assertThat(Files.size(out)).as("the signed receipt").isPositive();

        // suspended by its State: refused from the next request; reinstated once the secretariat approves: accepted again
        desk.suspend(sylvaniaAdmin(), "sylvania-gateway");
        assertThat(sendSignedReport(key, cert, "syl-gateway-2", out)).isEqualTo("403");
        Change reinstated = desk.reinstate(sylvaniaAdmin(), "sylvania-gateway").change();
        assertThat(curl(key, cert, out, api("/api/v1/inbox"))).isEqualTo("403"); // pending: still suspended
        desk.approve(secretariatAdmin(), reinstated.id());
        assertThat(sendSignedReport(key, cert, "syl-gateway-3", out)).isEqualTo("200");
    }

    @Test
    void anSshKeyRemovedByTheStateClosesTheSessionOpenWithItAndRefusesTheNextLogin() throws Exception {
        Path privateKey = tmp.resolve("officer-key");
        String line = SshKeyFiles.authorizedKeyLine(SshKeyFiles.generateEd25519(privateKey, "sylvania laptop"), "sylvania laptop");
        Change registered = desk.registerSshKey(sylvaniaAdmin(), "sylvania-system", line).change();
        assertThat(registered.status()).isEqualTo("applied"); // a new SSH key applies at once by default
        KeyPair pair;
        try (InputStream in = Files.newInputStream(privateKey)) {
            pair = SecurityUtils.loadKeyPairIdentities(null, () -> "k", in, FilePasswordProvider.EMPTY).iterator().next();
        }
        ClientSession open = exchange.login("sylvania-system", pair);
        SftpClient sftp = exchange.sftp(open);
        assertThat(sftp.readDir("/")).isNotEmpty();

        String fingerprint = org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(pair.getPublic());
        desk.removeSshKey(sylvaniaAdmin(), "sylvania-system", fingerprint);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (open.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(open.isOpen()).as("the session authenticated with the removed key").isFalse();
        assertThatThrownBy(() -> exchange.login("sylvania-system", pair)).isInstanceOf(org.apache.sshd.common.SshException.class);
        // the account's other key (the demo one) still logs in: only the removed key was withdrawn
        try (ClientSession other = exchange.login("sylvania-system")) {
            assertThat(other.isAuthenticated()).isTrue();
        }
    }
}
