package org.treatyexchange.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real server as a separate JVM (its own heap limit, killable), started like scripts/start does:
 * from the repository's top folder with the shipped configuration and the demo registry. Its ports
 * are ephemeral; they are read back from the demo's accounts.json.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path home;
    private final Path log;
    private final JsonNode accounts;

    private ServerProcess(Process process, Path home, Path log, JsonNode accounts) {
        this.process = process;
        this.home = home;
        this.log = log;
        this.accounts = accounts;
    }

    /** Starts a server on {@code home} with the given maximum heap (e.g. "256m") and waits until it serves. */
    public static ServerProcess start(Path home, String maxHeap) throws IOException, InterruptedException {
        return start(home, maxHeap, new String[0]);
    }

    /** As {@link #start(Path, String)}, with more command-line options for the server. */
    public static ServerProcess start(Path home, String maxHeap, String... moreArgs) throws IOException, InterruptedException {
        return start(home, maxHeap, java.util.Map.of(), List.of(), moreArgs);
    }

    /**
     * As {@link #start(Path, String, String...)}, with more environment variables for the server (e.g. the
     * {@code EXCHANGE_DATABASE_*} of a {@code TestDatabase}).
     */
    public static ServerProcess start(Path home, String maxHeap, java.util.Map<String, String> env, String... moreArgs)
            throws IOException, InterruptedException {
        return start(home, maxHeap, env, List.of(), moreArgs);
    }

    /**
     * As {@link #start(Path, String, String...)}, with more environment variables (e.g. {@code LD_PRELOAD})
     * and JVM options for the server's process.
     */
    public static ServerProcess start(Path home, String maxHeap, java.util.Map<String, String> env, List<String> jvmOptions,
            String... moreArgs) throws IOException, InterruptedException {
        Files.createDirectories(home);
        Path accountsFile = home.resolve("demo").resolve("accounts.json");
        Files.deleteIfExists(accountsFile);
        Path log = home.resolveSibling(home.getFileName() + "-server.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap,
                "-XX:+ExitOnOutOfMemoryError"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--home", home.toString(), "--sftp-port", "0", "--api-port", "0", "--portal-port", "0", "--monitoring-port", "0"));
        cmd.addAll(List.of(moreArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(TestExchange.REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("EXCHANGE_MASTER_PASSWORD", TestExchange.PASSWORD);
        pb.environment().putAll(env);
        Process p = pb.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!Files.exists(accountsFile)) {
            if (!p.isAlive()) {
                throw new IOException("the server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            if (Instant.now().isAfter(deadline)) {
                p.destroyForcibly();
                throw new IOException("the server did not start in 90 s:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return new ServerProcess(p, home, log, new ObjectMapper().readTree(accountsFile.toFile()));
    }

    public int sftpPort() {
        return accounts.path("sftp").path("port").asInt();
    }

    public int apiPort() {
        return accounts.path("api").path("port").asInt();
    }

    public Path home() {
        return home;
    }

    public Path demo(String file) {
        return home.resolve("demo").resolve(file);
    }

    public Path receiptCertificate() {
        return Path.of(accounts.path("receiptCertificate").asText());
    }

    public Path caCertificate() {
        return Path.of(accounts.path("caCertificate").asText());
    }

    /** The server's operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** The file the server's standard output and error go to. */
    public Path consoleLog() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM without waiting: the graceful stop starts. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end; its exit code, or -1 if it is still running after {@code max}. */
    public int waitFor(Duration max) throws InterruptedException {
        return process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, then wait for the orderly shutdown. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
