package org.treatyexchange.server.recovery;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Debian's HAProxy in TCP mode on loopback, in front of several nodes' SFTP ports: round robin, a TCP
 * health check, and a retry on another node when a connection is refused. Its stats socket says which
 * node holds a connection.
 */
final class LoadBalancer implements AutoCloseable {

    private final Process process;
    private final Path stats;
    private final int port;
    private final Path log;

    private LoadBalancer(Process process, Path stats, int port, Path log) {
        this.process = process;
        this.stats = stats;
        this.port = port;
        this.log = log;
    }

    /** Starts HAProxy with a backend server {@code name → port} per entry; fails loudly when HAProxy is missing. */
    static LoadBalancer start(Path dir, Map<String, Integer> nodes) throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        if (!Files.isExecutable(haproxy)) {
            throw new IllegalStateException("Debian's haproxy is not installed (apt-get install haproxy; .ci/run does)");
        }
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path stats = dir.resolve("stats.sock");
        String servers = nodes.entrySet().stream()
                .map(e -> "  server " + e.getKey() + " 127.0.0.1:" + e.getValue() + " check inter 1s fall 1 rise 2")
                .collect(Collectors.joining("\n"));
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                  maxconn 256
                  stats socket %s mode 600 level admin
                defaults
                  mode tcp
                  timeout connect 2s
                  timeout client 120s
                  timeout server 120s
                  retries 3
                  option redispatch
                frontend sftp
                  bind 127.0.0.1:%d
                  default_backend nodes
                backend nodes
                  balance roundrobin
                %s
                """.formatted(stats, port, servers));
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LoadBalancer lb = new LoadBalancer(p, stats, port, log);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!nodes.keySet().stream().allMatch(n -> "UP".equals(lb.statusOrNull(n)))) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                lb.close();
                throw new IllegalStateException("HAProxy did not come up with every node UP:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return lb;
    }

    int port() {
        return port;
    }

    /** The connections HAProxy holds to {@code node} now. */
    int currentSessions(String node) throws IOException {
        return Integer.parseInt(field(node, "scur"));
    }

    /** The connections HAProxy has passed to {@code node} so far. */
    int totalSessions(String node) throws IOException {
        return Integer.parseInt(field(node, "stot"));
    }

    /** UP, DOWN, … as HAProxy's health check sees {@code node}. */
    String status(String node) throws IOException {
        return field(node, "status");
    }

    private String statusOrNull(String node) {
        try {
            return status(node);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String field(String node, String name) throws IOException {
        List<String> lines = command("show stat").lines().toList();
        List<String> header = List.of(lines.get(0).substring(2).split(",")); // "# pxname,svname,..."
        int column = header.indexOf(name);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length > column && f[0].equals("nodes") && f[1].equals(node)) {
                return f[column];
            }
        }
        throw new IOException("HAProxy knows no server " + node);
    }

    private String command(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(stats));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
