package org.treatyexchange.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.RetryPolicy;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageType;

/**
 * Load for {@code scripts/bench}, not a test (nothing here runs in {@code mvn verify}): signed messages
 * through the Java SDK from many concurrent clients, many idle authenticated SFTP sessions, and a
 * sampler of a server's memory. Server-side CPU and memory are read from {@code /proc} of the server's
 * process tree, so a server that forks per connection (OpenSSH) is measured whole.
 *
 * <pre>
 * LoadGenerator messages --home H --clients N --size BYTES --seconds S [--warmup S] [--server-pid P[,P...]] [--api-port PORT]
 *                         [--attempts N]
 * LoadGenerator idle --port P --user U --key FILE --sessions N --hold S --server-pid P
 * LoadGenerator sample --server-pid P --stop-file F [--ready-file R]
 * </pre>
 * Each prints one line {@code RESULT key=value ...} for the script to collect.
 */
public final class LoadGenerator {

    private static final List<String> SENDERS = List.of("arcadia-system", "borealia-system", "sylvania-system", "calvera-system");
    private static final Map<String, String> STATES = Map.of("arcadia-system", "ARC", "borealia-system", "BOR",
            "sylvania-system", "SYL", "calvera-system", "CAL");

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        // Only the result line goes to stdout; the clients' own warnings (unverified host key, …) are noise here.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        switch (args.length == 0 ? "" : args[0]) {
            case "messages" -> messages(opt);
            case "idle" -> idle(opt);
            case "sample" -> sample(opt);
            default -> {
                System.err.println("usage: LoadGenerator messages|idle|sample --key value ...");
                System.exit(2);
            }
        }
    }

    // ---- d. signed messages -------------------------------------------------------------------------

    private static long cpuMillis(List<Long> pids) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            sum += ProcessTree.of(pid).cpuMillis();
        }
        return sum;
    }

    private static void messages(Map<String, String> opt) throws Exception {
        Path home = Path.of(required(opt, "home"));
        int clients = Integer.parseInt(required(opt, "clients"));
        int size = Integer.parseInt(required(opt, "size"));
        double seconds = Double.parseDouble(required(opt, "seconds"));
        double warmup = Double.parseDouble(opt.getOrDefault("warmup", "0"));
        // several nodes: their CPU is summed; --api-port: a load balancer in front of them
        List<Long> serverPids = opt.containsKey("server-pid")
                ? java.util.Arrays.stream(opt.get("server-pid").split(",")).map(Long::parseLong).toList() : List.of();
        JsonNode accounts = new ObjectMapper().readTree(home.resolve("demo/accounts.json").toFile());
        int apiPort = Integer.parseInt(opt.getOrDefault("api-port", Integer.toString(accounts.path("api").path("port").asInt())));
        URI base = URI.create("https://127.0.0.1:" + apiPort + "/");
        X509Certificate ca = certificate(Path.of(accounts.path("caCertificate").asText()));
        X509Certificate receipts = certificate(Path.of(accounts.path("receiptCertificate").asText()));

        Path document = Files.createTempFile("bench-doc-", ".bin");
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Files.write(document, bytes);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        // The SDK's ExchangeClient, as a national system would use it: a busy exchange (429/503) is retried
        // after its Retry-After with jitter, at most --attempts tries in all (default the SDK's default policy).
        int attempts = Integer.parseInt(opt.getOrDefault("attempts", Integer.toString(RetryPolicy.DEFAULT.attempts())));
        RetryPolicy retry = attempts == 1 ? RetryPolicy.NONE
                : new RetryPolicy(attempts, RetryPolicy.DEFAULT.initialDelay(), RetryPolicy.DEFAULT.maxDelay());
        List<ExchangeClient> perClient = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String sender = SENDERS.get(i % SENDERS.size());
            Path demo = home.resolve("demo");
            // One HTTP client (so one kept-alive TLS connection) per simulated national system.
            perClient.add(ExchangeClient.builder().account(sender)
                    .api(base, ClientKeys.fromPem(demo.resolve(sender + "-api.key.pem"), demo.resolve(sender + "-api.cert.pem")), ca)
                    .receiptCertificate(receipts).retryPolicy(retry).timeout(Duration.ofSeconds(30)).build());
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        AtomicInteger errors = new AtomicInteger();
        AtomicLong seq = new AtomicLong();
        if (warmup > 0) {
            drive(perClient, document, size, sha256, "w" + run, seq, warmup, new ConcurrentLinkedQueue<>(), errors);
        }
        errors.set(0);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long cpuBefore = cpuMillis(serverPids);
        long ownBefore = ProcessTree.of(ProcessHandle.current().pid()).cpuMillis();
        long t0 = System.nanoTime();
        drive(perClient, document, size, sha256, "m" + run, seq, seconds, latencies, errors);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpuAfter = cpuMillis(serverPids);
        long ownAfter = ProcessTree.of(ProcessHandle.current().pid()).cpuMillis();
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        int n = sorted.size();
        Files.deleteIfExists(document);
        // errors: messages still not accepted after every try the retry policy allows; client CPU: this generator's
        // own (signing every envelope, verifying every receipt, TLS), which shares the machine's cores with the server
        System.out.printf("RESULT clients=%d size=%d attempts=%d accepted=%d errors=%d seconds=%.2f rate=%.1f p50_ms=%.1f p99_ms=%.1f"
                + " server_cpu_ms_per_msg=%.2f server_cores=%.2f client_cpu_ms_per_msg=%.2f%n",
                clients, size, attempts, n, errors.get(), elapsed, n / elapsed, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6,
                n == 0 ? 0.0 : (cpuAfter - cpuBefore) / (double) n, (cpuAfter - cpuBefore) / 1000.0 / elapsed,
                n == 0 ? 0.0 : (ownAfter - ownBefore) / (double) n);
        System.exit(0); // the SDK's HTTP clients keep daemon-less selector threads
    }

    /**
     * Every client sends, one message after the other, until the time is up; latency is first try →
     * verified receipt (retries and their waits included).
     */
    private static void drive(List<ExchangeClient> clients, Path document, int size, String sha256, String run, AtomicLong seq,
            double seconds, ConcurrentLinkedQueue<Long> latencies, AtomicInteger errors) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        CountDownLatch done = new CountDownLatch(clients.size());
        for (int i = 0; i < clients.size(); i++) {
            ExchangeClient client = clients.get(i);
            String sender = SENDERS.get(i % SENDERS.size());
            pool.execute(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        Envelope envelope = Envelope.builder().messageId("bench-" + run + "-" + seq.incrementAndGet())
                                .type(MessageType.FILING).state(STATES.get(sender)).level(ConfidentialityLevel.STATES_PARTIES)
                                .reportType("annual-report").period("2025").title("bench")
                                .document("report.bin", size, sha256, "application/octet-stream").build();
                        long start = System.nanoTime();
                        try {
                            client.send(envelope, Map.of("report.bin", document));
                            latencies.add(System.nanoTime() - start);
                        } catch (Exception e) {
                            if (errors.incrementAndGet() <= 3) {
                                System.err.println("send failed: " + e);
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        pool.shutdown();
    }

    // ---- e. idle sessions ---------------------------------------------------------------------------

    private static void idle(Map<String, String> opt) throws Exception {
        int port = Integer.parseInt(required(opt, "port"));
        String user = required(opt, "user");
        int sessions = Integer.parseInt(required(opt, "sessions"));
        double hold = Double.parseDouble(required(opt, "hold"));
        long serverPid = Long.parseLong(required(opt, "server-pid"));
        KeyPair key;
        try (InputStream in = Files.newInputStream(Path.of(required(opt, "key")))) {
            key = SecurityUtils.loadKeyPairIdentities(null, null, in, null).iterator().next();
        }
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setCipherFactories(List.<NamedFactory<org.apache.sshd.common.cipher.Cipher>>of(BuiltinCiphers.aes128gcm));
        client.start();
        ProcessTree before = ProcessTree.of(serverPid);
        long rssBefore = before.rssKib();
        ConcurrentLinkedQueue<SftpClient> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < sessions; i++) {
            pool.execute(() -> {
                try {
                    ClientSession s = client.connect(user, "127.0.0.1", port).verify(Duration.ofSeconds(60)).getSession();
                    s.addPublicKeyIdentity(key);
                    s.auth().verify(Duration.ofSeconds(60));
                    SftpClient sftp = SftpClientFactory.instance().createSftpClient(s);
                    sftp.stat("/"); // one round trip: the subsystem is really up
                    open.add(sftp);
                } catch (Exception e) {
                    if (failed.incrementAndGet() <= 3) {
                        System.err.println("session failed: " + e);
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, java.util.concurrent.TimeUnit.MINUTES);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3000); // let connection set-up settle before measuring idle cost
        ProcessTree tree = ProcessTree.of(serverPid);
        long cpu0 = tree.cpuMillis();
        long t1 = System.nanoTime();
        Thread.sleep((long) (hold * 1000));
        tree = ProcessTree.of(serverPid);
        long cpu1 = tree.cpuMillis();
        double window = (System.nanoTime() - t1) / 1e9;
        System.out.printf("RESULT sessions=%d failed=%d connect_s=%.1f rss_before_mib=%.1f rss_mib=%.1f pss_mib=%.1f processes=%d"
                + " idle_cpu_pct=%.2f%n", open.size(), failed.get(), connectSeconds, rssBefore / 1024.0, tree.rssKib() / 1024.0,
                tree.pssKib() / 1024.0, tree.size(), 100.0 * (cpu1 - cpu0) / 1000.0 / window);
        for (SftpClient s : open) {
            try {
                s.getSession().close(true);
            } catch (Exception e) {
                // closing at the end of the run; nothing to report
            }
        }
        client.stop();
        System.exit(0);
    }

    // ---- c. peak memory while something else runs ---------------------------------------------------

    private static void sample(Map<String, String> opt) throws Exception {
        long pid = Long.parseLong(required(opt, "server-pid"));
        Path stop = Path.of(required(opt, "stop-file"));
        Path ready = opt.containsKey("ready-file") ? Path.of(opt.get("ready-file")) : null;
        long peakRss = 0;
        long peakPss = 0;
        long cpu0 = ProcessTree.of(pid).cpuMillis();
        long t0 = System.nanoTime();
        long cpu1 = cpu0;
        do { // at least one sample, however late this JVM got going
            ProcessTree tree = ProcessTree.of(pid);
            peakRss = Math.max(peakRss, tree.rssKib());
            peakPss = Math.max(peakPss, tree.pssKib());
            cpu1 = Math.max(cpu1, tree.cpuMillis());
            if (ready != null && !Files.exists(ready)) {
                Files.createFile(ready); // the script starts the load only now
            }
            Thread.sleep(200);
        } while (!Files.exists(stop));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("RESULT peak_rss_mib=%.1f peak_pss_mib=%.1f server_cores=%.2f%n", peakRss / 1024.0, peakPss / 1024.0,
                (cpu1 - cpu0) / 1000.0 / seconds);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }

    private static String required(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
