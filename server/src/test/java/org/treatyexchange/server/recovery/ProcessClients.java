package org.treatyexchange.server.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.server.ServerProcess;
import org.treatyexchange.server.admin.AdminCli;

/** Real clients (MINA SFTP, the SDK, the admin CLI) for a server running in another JVM. */
final class ProcessClients implements AutoCloseable {

    private final SshClient ssh = SshClient.setUpDefaultClient();
    private volatile ServerProcess server;

    ProcessClients() {
        ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        ssh.start();
    }

    /** Points the clients at a (re)started server. */
    void target(ServerProcess s) {
        this.server = s;
    }

    ServerProcess server() {
        return server;
    }

    /** An SFTP client logged in as a demo account; closing it closes its session. */
    SftpClient sftp(String account) throws Exception {
        return sftp(account, server.sftpPort());
    }

    /** As {@link #sftp(String)}, through another port (a load balancer in front of the server). */
    SftpClient sftp(String account, int port) throws Exception {
        KeyPair key;
        try (InputStream in = Files.newInputStream(server.demo(account))) {
            key = SecurityUtils.loadKeyPairIdentities(null, () -> account, in, FilePasswordProvider.EMPTY).iterator().next();
        }
        ClientSession session = ssh.connect(account, "127.0.0.1", port).verify(Duration.ofSeconds(10)).getSession();
        try {
            session.addPublicKeyIdentity(key);
            session.auth().verify(Duration.ofSeconds(10));
            return SftpClientFactory.instance().createSftpClient(session).singleSessionInstance();
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }

    /** The SDK as a demo account's national system. */
    MessageClient api(String account) throws Exception {
        return MessageClient.builder()
                .baseUri(URI.create("https://127.0.0.1:" + server.apiPort() + "/"))
                .clientKeys(ClientKeys.fromPem(server.demo(account + "-api.key.pem"), server.demo(account + "-api.cert.pem")))
                .trustedServerCa(certificate(server.caCertificate()))
                .receiptCertificate(certificate(server.receiptCertificate()))
                .connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(300))
                .build();
    }

    /** The admin CLI, in this JVM, against the server's socket: the exit code and what it printed. */
    record AdminResult(int code, String output) {
        List<String> lines() {
            List<String> out = new ArrayList<>();
            for (String l : output.split("\n")) {
                if (!l.isBlank()) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    AdminResult admin(String... args) {
        return admin(server.home(), args);
    }

    static AdminResult admin(Path home, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int code = AdminCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
        return new AdminResult(code, out.toString());
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Override
    public void close() {
        ssh.stop();
    }
}
