package org.treatyexchange.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;

/**
 * A real server for tests: the shipped config and demo registry, a fresh home under a temporary
 * directory, SFTP on an ephemeral loopback port, keys generated at start. Plus real MINA clients.
 */
public final class TestExchange implements AutoCloseable {

    public static final String PASSWORD = "test-only-keystore-password";
    /** The repository's top-level folder (tests run in server/). */
    public static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private final ServerConfig config;
    private final Map<String, String> env;
    private Server server;
    private final SshClient ssh;

    private TestExchange(ServerConfig config, Map<String, String> env) {
        this.config = config;
        this.env = env;
        this.ssh = SshClient.setUpDefaultClient();
        ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        ssh.start();
    }

    /** Starts a server with the shipped configuration and demo registry in {@code home}. */
    public static TestExchange start(Path home) throws Exception {
        return start(home, c -> c);
    }

    /** As {@link #start(Path)}, with a change to the configuration. */
    public static TestExchange start(Path home, java.util.function.UnaryOperator<ServerConfig> change) throws Exception {
        TestExchange t = new TestExchange(change.apply(shippedConfig(home)), Map.of());
        t.restart();
        return t;
    }

    /** As {@link #start(Path)}, with its metadata in {@code database} (Derby: the home's own). */
    public static TestExchange start(Path home, TestDatabase database) throws Exception {
        return start(home, database, c -> c);
    }

    /** As {@link #start(Path, java.util.function.UnaryOperator)}, with its metadata in {@code database}. */
    public static TestExchange start(Path home, TestDatabase database, java.util.function.UnaryOperator<ServerConfig> change)
            throws Exception {
        TestExchange t = new TestExchange(change.apply(database.configure(shippedConfig(home))), database.passwordEnvironment());
        t.restart();
        return t;
    }

    static ServerConfig shippedConfig(Path home) throws ConfigException {
        ServerConfig c = ServerConfigLoader.load(REPO.resolve("config/server.yaml")).withHome(home).withSftpPort(0).withApiPort(0);
        return c.withRegistryFile(REPO.resolve("config/registry.yaml"));
    }

    /** The configuration with another registry file. */
    public static ServerConfig withRegistry(ServerConfig c, Path registry) {
        return c.withRegistryFile(registry);
    }

    /** Runs the admin CLI in-process against this server; returns the exit code, a newline, and what it printed. */
    public String admin(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--home", home().toString()));
        all.addAll(java.util.List.of(args));
        int code = org.treatyexchange.server.admin.AdminCli.run(all.toArray(String[]::new), new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(out, true));
        return code + "\n" + out;
    }

    /**
     * Runs the stock {@code curl} as a demo account's API client (its demo certificate, trusting the
     * server's CA); the response body goes to {@code out}, the output is the HTTP status.
     */
    public Processes.Result curl(String account, java.nio.file.Path out, String... args) throws IOException, InterruptedException {
        java.nio.file.Path demo = home().resolve("demo");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--cacert",
                server.caCertificate().toString(), "--cert", demo.resolve(account + "-api.cert.pem").toString(), "--key",
                demo.resolve(account + "-api.key.pem").toString(), "-o", out.toString(), "-w", "%{http_code}"));
        cmd.addAll(java.util.List.of(args));
        return Processes.run(out.toAbsolutePath().getParent(), cmd);
    }

    /** The URL of an API path, e.g. {@code apiUrl("/inbox")}. */
    public String apiUrl(String path) {
        return "https://127.0.0.1:" + server.apiPort() + "/api/v1" + path;
    }

    /** Starts (again) on the same home. */
    public void restart() throws Exception {
        if (server != null) {
            server.close();
        }
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(config.keys().passwordEnv(), PASSWORD);
        server = Server.start(config, all, Clock.systemUTC());
    }

    /** Stops the server (the home stays). */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public Server server() {
        return server;
    }

    public Path home() {
        return config.home();
    }

    public int port() {
        return server.sftpPort();
    }

    public Path demoKey(String account) {
        return home().resolve("demo").resolve(account);
    }

    public KeyPair keyPair(String account) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(demoKey(account))) {
            return SecurityUtils.loadKeyPairIdentities(null, () -> account, in, FilePasswordProvider.EMPTY).iterator().next();
        }
    }

    /** An authenticated MINA SSH session as a demo account. */
    public ClientSession login(String account) throws IOException, GeneralSecurityException {
        return login(account, keyPair(account));
    }

    public ClientSession login(String account, KeyPair key) throws IOException {
        return login(account, key, null);
    }

    /** As {@link #login(String, KeyPair)}, connecting from {@code sourceAddress} (e.g. 127.0.0.7; null: any). */
    public ClientSession login(String account, KeyPair key, String sourceAddress) throws IOException {
        java.net.SocketAddress local = sourceAddress == null ? null : new java.net.InetSocketAddress(sourceAddress, 0);
        ClientSession session = ssh.connect(account, "127.0.0.1", port(), null, local).verify(Duration.ofSeconds(10)).getSession();
        session.addPublicKeyIdentity(key);
        try {
            session.auth().verify(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
        return session;
    }

    public SftpClient sftp(ClientSession session) throws IOException {
        return SftpClientFactory.instance().createSftpClient(session);
    }

    @Override
    public void close() throws IOException {
        stop();
        ssh.stop();
    }
}
