package org.treatyexchange.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.StorageEnvironment;
import org.treatyexchange.server.config.ServerConfigLoader;
import org.treatyexchange.server.home.HomeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.time.Duration;

/**
 * {@code scripts/start}: runs the server in the foreground until SIGTERM or Ctrl-C. Settings come from
 * {@code config/server.yaml}; the home, port and bind address can be overridden by flag or environment.
 * Secrets are never accepted as arguments.
 */
@Command(name = "treaty-exchange", mixinStandardHelpOptions = true, version = "treaty-exchange 0.1",
        description = "Runs the Treaty Exchange server in the foreground.")
public final class Main implements Callable<Integer> {

    @Option(names = "--config", description = "Server configuration (default: $EXCHANGE_CONFIG or config/server.yaml).")
    Path configFile;

    @Option(names = "--home", description = "Data directory (default: $EXCHANGE_HOME, else 'home' in the configuration).")
    Path home;

    @Option(names = "--sftp-port", description = "SFTP port; 0 picks a free one (default: $EXCHANGE_SFTP_PORT, else configuration).")
    Integer sftpPort;

    @Option(names = "--api-port", description = "HTTPS port; 0 picks a free one (default: $EXCHANGE_API_PORT, else configuration).")
    Integer apiPort;

    @Option(names = "--portal-port", description = "Browser portal HTTPS port; 0 picks a free one (default: $EXCHANGE_PORTAL_PORT, "
            + "else configuration).")
    Integer portalPort;

    @Option(names = "--monitoring-port", description = "Health and metrics HTTP port (loopback); 0 picks a free one "
            + "(default: $EXCHANGE_MONITORING_PORT, else configuration).")
    Integer monitoringPort;

    @Option(names = "--bind", description = "Address every listener uses (default: $EXCHANGE_BIND, else configuration).")
    String bind;

    @Option(names = "--log-format", description = "text or json: console log lines as JSON objects for a SIEM "
            + "(default: $EXCHANGE_LOG_FORMAT, else text).")
    String logFormat;

    @Option(names = "--syslog", paramLabel = "HOST:PORT", description = "Forward every audit event to this syslog receiver, RFC 5424 "
            + "over TCP (default: $EXCHANGE_SYSLOG; none when unset).")
    String syslog;

    @Option(names = "--syslog-tls", description = "Use TLS to the syslog receiver (RFC 5425; its certificate must chain to the JDK's "
            + "trusted CAs and name the host) (default: $EXCHANGE_SYSLOG_TLS=true).")
    Boolean syslogTls;

    @Option(names = "--shutdown-grace", description = "On SIGTERM, how long transfers in flight may take to finish, e.g. 15s "
            + "(default: $EXCHANGE_SHUTDOWN_GRACE, else 15s).")
    String shutdownGrace;

    @Option(names = "--start-on-broken-audit-chain", description = "Start even though the audit chain is broken, or cut or rewritten "
            + "behind its latest signed checkpoint (refused otherwise). For the one start that must investigate; audited as "
            + "server.started-on-broken-chain. Never set in a file.")
    boolean startOnBrokenChain;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = effectiveConfig();
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (NumberFormatException e) {
            System.err.println("configuration error: EXCHANGE_SFTP_PORT, EXCHANGE_API_PORT, EXCHANGE_PORTAL_PORT and EXCHANGE_MONITORING_PORT must be numbers");
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
        // Logback reads this when the first logger is created: logs go under the data directory.
        System.setProperty("exchange.logDir", config.home().resolve("logs").toString());
        Duration grace;
        try {
            grace = shutdownGrace();
        } catch (IllegalArgumentException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
        try {
            applySiemLogging();
        } catch (IllegalArgumentException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
        Server server;
        try {
            server = Server.start(config, System.getenv(), Clock.systemUTC());
        } catch (HomeException | ConfigException | org.treatyexchange.server.audit.BrokenChainException e) {
            System.err.println("cannot start: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(grace);
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    ServerConfig effectiveConfig() throws ConfigException {
        Path file = configFile != null ? configFile : Path.of(env("EXCHANGE_CONFIG", "config/server.yaml"));
        ServerConfig config = ServerConfigLoader.load(file);
        String envHome = System.getenv("EXCHANGE_HOME");
        if (home != null) {
            config = config.withHome(home);
        } else if (envHome != null && !envHome.isEmpty()) {
            config = config.withHome(Path.of(envHome));
        }
        String envPort = System.getenv("EXCHANGE_SFTP_PORT");
        if (sftpPort != null) {
            config = config.withSftpPort(sftpPort);
        } else if (envPort != null && !envPort.isEmpty()) {
            config = config.withSftpPort(Integer.parseInt(envPort));
        }
        String envApiPort = System.getenv("EXCHANGE_API_PORT");
        if (apiPort != null) {
            config = config.withApiPort(apiPort);
        } else if (envApiPort != null && !envApiPort.isEmpty()) {
            config = config.withApiPort(Integer.parseInt(envApiPort));
        }
        config = config.withDatabase(StorageEnvironment.database(config.database(), System.getenv()));
        config = config.withStorage(config.storage().withObjectStore(StorageEnvironment.objectStore(config.storage().objectStore(), System.getenv())));
        String envPortalPort = System.getenv("EXCHANGE_PORTAL_PORT");
        if (portalPort != null) {
            config = config.withPortalPort(portalPort);
        } else if (envPortalPort != null && !envPortalPort.isEmpty()) {
            config = config.withPortalPort(Integer.parseInt(envPortalPort));
        }
        String envMonitoringPort = System.getenv("EXCHANGE_MONITORING_PORT");
        if (monitoringPort != null) {
            config = config.withMonitoringPort(monitoringPort);
        } else if (envMonitoringPort != null && !envMonitoringPort.isEmpty()) {
            config = config.withMonitoringPort(Integer.parseInt(envMonitoringPort));
        }
        String envBind = System.getenv("EXCHANGE_BIND");
        String chosenBind = bind != null ? bind : envBind;
        if (chosenBind != null && !chosenBind.isEmpty()) {
            config = config.withSftpBind(chosenBind).withApiBind(chosenBind).withPortalBind(chosenBind);
        }
        if (startOnBrokenChain) {
            config = config.withAudit(config.audit().withStartOnBrokenChain(true));
        }
        return config;
    }

    /** JSON console lines and the audit forwarder, as the flags or the environment say. */
    void applySiemLogging() {
        String format = logFormat != null ? logFormat : env("EXCHANGE_LOG_FORMAT", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("--log-format / EXCHANGE_LOG_FORMAT must be text or json, got '" + format + "'");
        }
        String target = syslog != null ? syslog : env("EXCHANGE_SYSLOG", "");
        boolean tls = syslogTls != null ? syslogTls : Boolean.parseBoolean(env("EXCHANGE_SYSLOG_TLS", "false"));
        int colon = target.lastIndexOf(':');
        if (!target.isEmpty() && (colon < 1 || !target.substring(colon + 1).matches("\\d{1,5}")
                || Integer.parseInt(target.substring(colon + 1)) > 65535)) {
            throw new IllegalArgumentException("--syslog / EXCHANGE_SYSLOG must be HOST:PORT, got '" + target + "'");
        }
        if (format.equals("json")) {
            org.treatyexchange.server.logging.SiemLogging.jsonConsole();
        }
        if (!target.isEmpty()) {
            org.treatyexchange.server.logging.SiemLogging.forwardAudit(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), tls);
        }
    }

    /** The graceful-stop bound: 1 to 600 seconds, written like {@code 15s} or {@code 15}. */
    Duration shutdownGrace() {
        String v = shutdownGrace != null ? shutdownGrace : env("EXCHANGE_SHUTDOWN_GRACE", "15s");
        String digits = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
        long seconds;
        try {
            seconds = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shutdown-grace / EXCHANGE_SHUTDOWN_GRACE must be seconds like 15s, got '" + v + "'");
        }
        if (seconds < 1 || seconds > 600) {
            throw new IllegalArgumentException("--shutdown-grace / EXCHANGE_SHUTDOWN_GRACE must be 1s to 600s, got '" + v + "'");
        }
        return Duration.ofSeconds(seconds);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
