package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.ServerProcess;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.blob.ObjectStoreServer;

/**
 * Two server processes sharing one PostgreSQL database and one object store, behind Debian's HAProxy
 * in TCP mode: whichever node a State reaches, it sees the same exchange, one audit chain records both,
 * and a node killed mid-upload loses nothing acknowledged — the retry files exactly once on the other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodesTest {

    @TempDir
    static Path tmp;
    static ObjectStoreServer s3;
    static TestDatabase database;
    static final Map<String, ServerProcess> nodes = new LinkedHashMap<>();
    static LoadBalancer balancer;
    static ProcessClients clients;

    @BeforeAll
    static void start() throws Exception {
        s3 = ObjectStoreServer.start(tmp.resolve("s3"));
        database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        Map<String, String> env = new HashMap<>(database.environment());
        env.put("EXCHANGE_BLOB_STORE", "s3://" + ObjectStoreServer.BUCKET + "/two-nodes");
        env.put("EXCHANGE_S3_ENDPOINT", s3.endpoint().toString());
        env.putAll(s3.environment(tmp.resolve("s3-credentials")));
        Path first = tmp.resolve("node1");
        nodes.put("node1", ServerProcess.start(first, "384m", env, "--config", ownRegistry(tmp.resolve("node1-config")).toString()));
        Path second = tmp.resolve("node2");
        joinKeys(first, second);
        nodes.put("node2", ServerProcess.start(second, "384m", env));
        Map<String, Integer> ports = new LinkedHashMap<>();
        nodes.forEach((name, node) -> ports.put(name, node.sftpPort()));
        balancer = LoadBalancer.start(tmp.resolve("haproxy"), ports);
        clients = new ProcessClients();
        clients.target(nodes.get("node1"));
    }

    /**
     * What a second node gets from the first before its first start (README, "Adding a node"): the
     * password-protected keystores (master keys, receipt key, TLS and CA keys, the sealed SSH host keys,
     * restored into OpenSSH files at start) and the CA certificate — never the unencrypted host key
     * files. The demo's account keys come along only because this test logs in as the demo accounts.
     */
    static void joinKeys(Path from, Path to) throws Exception {
        Files.createDirectories(to.resolve("keys"));
        try (Stream<Path> keys = Files.list(from.resolve("keys"))) {
            for (Path k : keys.filter(p -> !p.getFileName().toString().startsWith("ssh_host_")).toList()) {
                Files.copy(k, to.resolve("keys").resolve(k.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Files.createDirectories(to.resolve("demo"));
        try (Stream<Path> demo = Files.list(from.resolve("demo"))) {
            for (Path d : demo.toList()) {
                Files.copy(d, to.resolve("demo").resolve(d.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /**
     * The shipped configuration naming a copy of the shipped registry, so that a test can change the
     * registry on this node only; returns the configuration file.
     */
    static Path ownRegistry(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path registry = Files.copy(org.treatyexchange.server.TestExchange.REPO.resolve("config/registry.yaml"), dir.resolve("registry.yaml"));
        String config = Files.readString(org.treatyexchange.server.TestExchange.REPO.resolve("config/server.yaml"));
        assertThat(config).contains("registry: config/registry.yaml");
        return Files.writeString(dir.resolve("server.yaml"), config.replace("registry: config/registry.yaml", "registry: " + registry));
    }

    @AfterAll
    static void stop() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (balancer != null) {
            balancer.close();
        }
        for (ServerProcess node : nodes.values()) {
            node.close();
        }
        database.close();
        s3.close();
    }

    private static void put(SftpClient sftp, String path, byte[] content) throws Exception {
        try (OutputStream out = sftp.write(path)) {
            out.write(content);
        }
    }

    private static List<String> names(String account, int port, String dir) throws Exception {
        try (SftpClient sftp = clients.sftp(account, port)) {
            List<String> names = new ArrayList<>();
            sftp.readDir(dir).forEach(e -> names.add(e.getFilename()));
            return names;
        }
    }

    private static byte[] read(String account, int port, String path) throws Exception {
        try (SftpClient sftp = clients.sftp(account, port); InputStream in = sftp.read(path)) {
            return in.readAllBytes();
        }
    }

    private static ProcessClients.AdminResult admin(String node, String... args) {
        return ProcessClients.admin(nodes.get(node).home(), args);
    }

    /** Disables a Calvera account in node 1's registry file and publishes it with node 1's {@code reload-registry}. */
    private static void disableThroughTheFirstNode(String account, String role) throws Exception {
        Path registry = tmp.resolve("node1-config").resolve("registry.yaml");
        String text = Files.readString(registry);
        String entry = "  - name: " + account + "\n    state: CAL\n    role: " + role + "\n";
        assertThat(text).contains(entry);
        Files.writeString(registry, text.replace(entry, entry + "    disabled: true\n"));
        ProcessClients.AdminResult reloaded = admin("node1", "reload-registry");
        assertThat(reloaded.code()).as(reloaded.output()).isZero();
    }

    /** The filing id of the one filing whose listing line names {@code name}. */
    private static String filingId(String name) {
        List<String> lines = admin("node1", "filings").lines().stream().filter(l -> l.contains(name)).toList();
        assertThat(lines).as("filings named %s", name).hasSize(1);
        return lines.get(0).split(" ")[0];
    }

    @Test
    @Order(1)
    void uploadsThroughTheBalancerLandOnBothNodesAndEachNodeSeesThemAll() throws Exception {
        int before1 = balancer.totalSessions("node1");
        int before2 = balancer.totalSessions("node2");
        for (int i = 0; i < 4; i++) {
            try (SftpClient sftp = clients.sftp("arcadia-officer", balancer.port())) {
                put(sftp, "/submit/correspondence/secretariat/via-balancer-" + i + ".txt", ("letter " + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(balancer.totalSessions("node1")).as("node1 served some").isGreaterThan(before1);
        assertThat(balancer.totalSessions("node2")).as("node2 served some").isGreaterThan(before2);
        for (ServerProcess node : nodes.values()) {
            assertThat(names("arcadia-officer", node.sftpPort(), "/submit/correspondence/secretariat"))
                    .contains("via-balancer-0.txt", "via-balancer-1.txt", "via-balancer-2.txt", "via-balancer-3.txt");
            for (int i = 0; i < 4; i++) {
                assertThat(read("arcadia-officer", node.sftpPort(), "/submit/correspondence/secretariat/via-balancer-" + i + ".txt"))
                        .isEqualTo(("letter " + i).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    @Order(2)
    void aReleaseDecidedOnTheSecondNodeDistributesAFilingReceivedOnTheFirst() throws Exception {
        try (SftpClient sftp = clients.sftp("arcadia-officer", nodes.get("node1").sftpPort())) {
            put(sftp, "/submit/annual-report/states-parties/two-node-annual.pdf", "ARC annual via node1".getBytes(StandardCharsets.UTF_8));
        }
        String id = filingId("two-node-annual.pdf");
        assertThat(names("borealia-officer", nodes.get("node1").sftpPort(), "/distributed")).noneMatch(n -> n.startsWith(id));

        ProcessClients.AdminResult released = admin("node2", "release", id);
        assertThat(released.code()).as(released.output()).isZero();

        String distributed = id + "--two-node-annual.pdf";
        assertThat(names("borealia-officer", nodes.get("node1").sftpPort(), "/distributed")).contains(distributed);
        assertThat(read("borealia-officer", nodes.get("node1").sftpPort(), "/distributed/" + distributed))
                .isEqualTo("ARC annual via node1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(3)
    void concurrentFilingsOnBothNodesKeepOneUnbrokenAuditChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (String node : nodes.keySet()) {
                for (String account : List.of("sylvania-officer", "calvera-officer")) {
                    work.add(pool.submit(() -> {
                        try (SftpClient sftp = clients.sftp(account, nodes.get(node).sftpPort())) {
                            for (int i = 0; i < 6; i++) {
                                put(sftp, "/submit/correspondence/secretariat/" + node + "-" + i + ".txt", ("note " + i).getBytes(StandardCharsets.UTF_8));
                            }
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (String node : nodes.keySet()) {
            ProcessClients.AdminResult verified = admin(node, "verify-audit");
            assertThat(verified.code()).as(verified.output()).isZero();
            assertThat(verified.output()).contains("intact");
        }
        long filed = admin("node2", "filings").lines().stream().filter(l -> l.matches(".*node[12]-[0-5]\\.txt.*")).count();
        assertThat(filed).isEqualTo(2 * 2 * 6);
    }

    @Test
    @Order(4)
    void anAccountDisabledThroughTheFirstNodeIsRefusedByTheSecondFromItsNextLoginWithoutAReloadThere() throws Exception {
        int second = nodes.get("node2").sftpPort();
        try (SftpClient sftp = clients.sftp("calvera-system", second)) {
            assertThat(sftp.canonicalPath(".")).isEqualTo("/");
        }
        disableThroughTheFirstNode("calvera-system", "state-system");

        // Node 2 may still let the SSH login through on its snapshot, but closes the session before the
        // first SFTP request, once it has read the newest registry off the I/O thread.
        assertThatThrownBy(() -> clients.sftp("calvera-system", second).close()).as("node 2, whose own file still enables it")
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> clients.sftp("calvera-system", nodes.get("node1").sftpPort()).close())
                .isInstanceOf(java.io.IOException.class);
        assertThat(Files.readString(tmp.resolve("node2-server.log"))).contains("login refused: unknown-or-disabled-account of calvera-system");
        try (SftpClient sftp = clients.sftp("calvera-officer", second)) {
            assertThat(sftp.canonicalPath(".")).as("the other accounts are untouched").isEqualTo("/");
        }
    }

    @Test
    @Order(5)
    void aSessionOpenOnTheSecondNodeIsClosedByItsSweepOnceTheAccountIsDisabledThroughTheFirst() throws Exception {
        int second = nodes.get("node2").sftpPort();
        SftpClient held = clients.sftp("calvera-officer", second);
        assertThat(held.canonicalPath(".")).isEqualTo("/");
        disableThroughTheFirstNode("calvera-officer", "state-officer");

        // nothing else reaches node 2 meanwhile: only its periodic sweep (every 5 s) can read the change and close it
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (held.getClientSession().isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(held.getClientSession().isOpen()).as("the session opened on node 2 before the account was disabled").isFalse();
        assertThat(Files.readString(tmp.resolve("node2-server.log")))
                .contains("closing the SFTP session of calvera-officer: unknown-or-disabled-account");
    }

    @Test
    @Order(6)
    void aNodeKilledMidUploadLosesNothingAndTheRetryThroughTheBalancerFilesExactlyOnceOnTheOther() throws Exception {
        byte[] document = new byte[24 << 20];
        new java.util.Random(4).nextBytes(document);
        String path = "/submit/correspondence/secretariat/killed-mid-upload.bin";

        SftpClient first = clients.sftp("borealia-officer", balancer.port());
        String victim = balancer.currentSessions("node1") > 0 ? "node1" : "node2";
        assertThat(balancer.currentSessions(victim)).as("the balancer holds this session on one node").isEqualTo(1);
        String survivor = victim.equals("node1") ? "node2" : "node1";
        assertThatThrownBy(() -> {
            try (OutputStream out = first.write(path)) {
                out.write(document, 0, document.length / 2);
                out.flush();
                nodes.get(victim).kill();
                out.write(document, document.length / 2, document.length / 2);
            }
        }).isInstanceOf(java.io.IOException.class);
        try {
            first.close();
        } catch (java.io.IOException e) {
            // its node is gone
        }

        // The balancer's health check takes the dead node out; the client simply tries again.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> balancer.status(victim).startsWith("DOWN"));
        try (SftpClient retry = clients.sftp("borealia-officer", balancer.port())) {
            put(retry, path, document);
        }

        int port = nodes.get(survivor).sftpPort();
        assertThat(names("borealia-officer", port, "/submit/correspondence/secretariat")).containsOnlyOnce("killed-mid-upload.bin");
        assertThat(read("borealia-officer", port, path)).isEqualTo(document);
        List<String> filed = ProcessClients.admin(nodes.get(survivor).home(), "filings").lines().stream()
                .filter(l -> l.contains("killed-mid-upload.bin")).toList();
        assertThat(filed).as("one filing, no partial one").hasSize(1);
        ProcessClients.AdminResult verified = ProcessClients.admin(nodes.get(survivor).home(), "verify-audit");
        assertThat(verified.code()).as(verified.output()).isZero();
    }
}
