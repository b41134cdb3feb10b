package org.treatyexchange.server.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.config.ServerConfig;

/**
 * A real SMTP server for the notification tests (GreenMail), speaking TLS from the first byte with a certificate made
 * here for 127.0.0.1, so that the exchange checks the server's identity as in production. It can be stopped (the SMTP
 * server is down) and started again on the same port.
 */
final class SmtpTestServer implements AutoCloseable {

    static final String SECRETARIAT = "registry@secretariat.example";
    static final String ARC = "export-control@mfa.arcadia.example";
    static final String BOR = "arms-control@mod.borealia.example";
    static final String SYL = "poc@trade.sylvania.example";

    private static Path certificate;

    private final int port;
    private GreenMail greenMail;

    private SmtpTestServer(int port) {
        this.port = port;
    }

    /** Starts one on a free loopback port. */
    static SmtpTestServer start() {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            SmtpTestServer s = new SmtpTestServer(probe.getLocalPort());
            probe.close();
            s.up();
            return s;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the test SMTP server did not start", e);
        }
    }

    /**
     * GreenMail reads its TLS key store once per JVM from system properties: one made here, for 127.0.0.1, before the
     * first GreenMail starts. Returns the certificate (PEM) the exchange is told to trust.
     */
    static synchronized Path certificate() throws IOException, InterruptedException {
        if (certificate == null) {
            Path dir = Files.createTempDirectory("smtp-test-tls-");
            Path store = dir.resolve("smtp.p12");
            Path pem = dir.resolve("smtp.pem");
            Processes.Result made = Processes.run(dir, List.of("keytool", "-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype",
                    "PKCS12", "-storepass", "test-smtp", "-keypass", "test-smtp"));
            if (made.exitCode() != 0) {
                throw new IOException("keytool failed: " + made.output());
            }
            Processes.Result exported = Processes.run(dir, List.of("keytool", "-exportcert", "-rfc", "-alias", "smtp", "-keystore",
                    store.toString(), "-storepass", "test-smtp", "-file", pem.toString()));
            if (exported.exitCode() != 0) {
                throw new IOException("keytool failed: " + exported.output());
            }
            System.setProperty("greenmail.tls.keystore.file", store.toString());
            System.setProperty("greenmail.tls.keystore.password", "test-smtp");
            System.setProperty("greenmail.tls.key.password", "test-smtp");
            certificate = pem;
        }
        return certificate;
    }

    /** (Re)starts the server on its port. */
    synchronized void up() throws IOException, InterruptedException {
        certificate();
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS);
        setup.setServerStartupTimeout(30_000); // the first start loads the key store; a busy machine is slow
        greenMail = new GreenMail(setup);
        greenMail.start();
    }

    /** Stops it: the port then refuses connections. */
    synchronized void down() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    /** Every message received since this server (re)started. */
    synchronized List<MimeMessage> received() {
        return greenMail == null ? List.of() : List.of(greenMail.getReceivedMessages());
    }

    int port() {
        return port;
    }

    /** Notification settings that send here (TLS, this certificate), retrying after 1 s, polling every second. */
    ServerConfig.Notifications settings(int maxAttempts) throws IOException, InterruptedException {
        ServerConfig.Smtp smtp = new ServerConfig.Smtp("127.0.0.1", port, "exchange@secretariat.example", ServerConfig.SmtpSecurity.TLS,
                ServerConfig.Smtp.DEFAULT_CREDENTIALS_FILE_ENV, Optional.of(certificate()), Duration.ofSeconds(5));
        return new ServerConfig.Notifications(Optional.of(smtp), List.of(SECRETARIAT), Optional.of("https://exchange.example.org"),
                List.of(30, 7), maxAttempts, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Override
    public void close() {
        down();
    }
}
