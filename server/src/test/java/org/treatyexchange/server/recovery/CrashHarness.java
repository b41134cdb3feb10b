package org.treatyexchange.server.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.ServerProcess;

/**
 * Drives a server in another JVM with concurrent SFTP uploads, signed messages and releases, kills it
 * with SIGKILL at a random moment, restarts it and checks that nothing acknowledged was lost:
 * <ul>
 * <li>every acknowledged upload (SFTP close returned OK) and every received message receipt has its
 *     filing, whose document decrypts to exactly the bytes sent (SHA-256);</li>
 * <li>every filing is one the clients attempted, complete (no partial upload is ever visible), and
 *     there is at most one filing per attempt;</li>
 * <li>the audit chain verifies;</li>
 * <li>every acknowledged release stands, and each released filing reached each recipient's queue
 *     exactly once (none reached a queue unreleased);</li>
 * <li>start-up recovery left no temporary and no document that no record refers to;</li>
 * <li>a resend after the restart of every message of the cycle returns its original receipt (or
 *     files it once, if it never got one).</li>
 * </ul>
 */
final class CrashHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PARTIES = List.of("ARC", "BOR", "SYL");
    private static final String[][] UPLOADERS = {{"arcadia-officer", "ARC"}, {"borealia-officer", "BOR"}, {"sylvania-officer", "SYL"}};
    private static final String[][] SENDERS = {{"sylvania-system", "SYL"}, {"calvera-system", "CAL"}};
    private static final String[][] INBOX_READERS = {{"arcadia-officer", "ARC"}, {"borealia-officer", "BOR"},
        {"sylvania-officer", "SYL"}, {"calvera-officer", "CAL"}};

    /** One document a client tried to file. */
    record Attempt(String name, String state, long size, String sha256, Envelope envelope, Path file) {
    }

    /** Figures of one cycle. */
    record CycleFigures(int cycle, long loadMillis, int attempted, int acknowledged, int filingsTotal, int releasesAcknowledged,
            int resent, String recovery) {
    }

    private final Path home;
    private final Path work;
    private final ProcessClients clients = new ProcessClients();
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    /** name → filing id, for every acknowledged attempt (SFTP: the id is learnt at the next check). */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> releasesAcknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> verifiedDocuments = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> planRecipients = new ConcurrentHashMap<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final List<CycleFigures> figures = new ArrayList<>();
    private final String heap;
    private ServerProcess server;
    private volatile java.util.concurrent.CountDownLatch warm;

    private final Map<String, String> env;

    CrashHarness(Path home, Path work, String heap) {
        this(home, work, heap, Map.of());
    }

    /** @param env more environment for the server (its database: {@code TestDatabase.environment()}) */
    CrashHarness(Path home, Path work, String heap, Map<String, String> env) {
        this.home = home;
        this.work = work;
        this.heap = heap;
        this.env = env;
    }

    List<CycleFigures> figures() {
        return figures;
    }

    /** Runs {@code cycles} kill-and-restart cycles; throws AssertionError at the first broken promise. */
    void run(int cycles, long minLoadMillis, long maxLoadMillis) throws Exception {
        start();
        try {
            for (int cycle = 1; cycle <= cycles; cycle++) {
                long load = ThreadLocalRandom.current().nextLong(minLoadMillis, maxLoadMillis + 1);
                int before = attempts.size();
                loadAndKill(cycle, load);
                start();
                int releases = releasesAcknowledged.size();
                Map<String, Filing> filings = check("cycle " + cycle);
                int resent = resend(cycle);
                filings = check("cycle " + cycle + " after resends");
                CycleFigures f = new CycleFigures(cycle, load, attempts.size() - before, acknowledgedCount(), filings.size(), releases,
                        resent, recoveryLine());
                figures.add(f);
                System.out.printf("crash cycle %d: killed %d ms after all clients got going; %d attempted, %d acknowledged so far, %d filings, "
                        + "%d releases acknowledged, %d resends idempotent; %s: all checks passed%n", cycle, load, f.attempted(),
                        f.acknowledged(), f.filingsTotal(), releases, resent, f.recovery());
            }
        } finally {
            if (server != null) {
                server.close();
            }
            clients.close();
        }
    }

    /** What the last start-up recovery removed, from the server's log (it logs only when it removed something). */
    private String recoveryLine() throws java.io.IOException {
        String log = server.log();
        int start = log.lastIndexOf("Treaty Exchange started");
        int before = log.lastIndexOf("start-up recovery: ", start < 0 ? log.length() : start);
        int previousStart = log.lastIndexOf("Treaty Exchange started", start - 1);
        if (before < 0 || before < previousStart) {
            return "start-up removed nothing";
        }
        String line = log.substring(before, log.indexOf('\n', before));
        return line.replace("start-up recovery: ", "start-up ").replace(" left by an earlier stop", "");
    }

    private int acknowledgedCount() {
        return acknowledged.size();
    }

    private void start() throws Exception {
        server = ServerProcess.start(home, heap, env);
        clients.target(server);
    }

    /** Starts the load, kills the server with SIGKILL after {@code loadMillis}, waits for every worker. */
    private void loadAndKill(int cycle, long loadMillis) throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        AtomicInteger seq = new AtomicInteger();
        for (String[] u : UPLOADERS) {
            SftpClient[] session = new SftpClient[1]; // one session per uploader, as a State's script would keep it
            workers.add(worker("upload-" + u[0], killed, () -> {
                if (session[0] == null || !session[0].isOpen()) {
                    session[0] = clients.sftp(u[0]);
                }
                upload(session[0], cycle, u[1], seq.incrementAndGet());
            }));
        }
        for (String[] s : SENDERS) {
            MessageClient api = clients.api(s[0]);
            workers.add(worker("send-" + s[0], killed, () -> send(api, cycle, s[1], seq.incrementAndGet())));
        }
        workers.add(worker("release", killed, this::releaseOne));
        warm = new java.util.concurrent.CountDownLatch(workers.size());
        workers.forEach(Thread::start);
        // a fresh JVM takes seconds for its first logins and handshakes: the kill comes once every client works
        if (!warm.await(300, TimeUnit.SECONDS)) {
            throw new AssertionError("the clients did not get going within 300 s: " + unexpected);
        }
        Thread.sleep(loadMillis);
        killed.set(true);
        server.kill();
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            if (t.isAlive()) {
                throw new AssertionError("client thread " + t.getName() + " did not end after the kill");
            }
        }
        if (!unexpected.isEmpty()) {
            throw new AssertionError("errors while the server was up (before the kill): " + unexpected);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Repeats a step until the kill; a failure before the kill is an error of the server. */
    private Thread worker(String name, AtomicBoolean killed, Step step) {
        Thread t = new Thread(() -> {
            boolean first = true;
            while (!killed.get()) {
                try {
                    step.run();
                    if (first) {
                        first = false;
                        warm.countDown();
                    }
                } catch (ExchangeException e) {
                    if (!killed.get() && !"rate-limited".equals(e.problemType())) {
                        unexpected.add(name + ": " + e.status() + " " + e.problemType() + " " + e.getMessage());
                    }
                    pause(killed);
                } catch (Exception e) {
                    if (!killed.get()) {
                        unexpected.add(name + ": " + e);
                    }
                    pause(killed);
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    private static void pause(AtomicBoolean killed) {
        try {
            Thread.sleep(killed.get() ? 0 : 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void upload(SftpClient sftp, int cycle, String state, int n) throws Exception {
        byte[] content = content();
        String name = "c" + cycle + "-" + state + "-" + n + ".pdf";
        attempts.put(name, new Attempt(name, state, content.length, sha256(content), null, null));
        try (OutputStream out = sftp.write("/submit/annual-report/states-parties/" + name)) {
            int off = 0;
            while (off < content.length) {
                int len = Math.min(32 * 1024, content.length - off);
                out.write(content, off, len);
                off += len;
            }
        } // CLOSE: returns only once the filing is durable
        acknowledged.put(name, "");
    }

    private void send(MessageClient api, int cycle, String state, int n) throws Exception {
        byte[] content = content();
        String name = "msg-c" + cycle + "-" + state + "-" + n + ".pdf";
        Path file = work.resolve(name);
        Files.write(file, content);
        String messageId = "crash-c" + cycle + "-" + state + "-" + n;
        Envelope envelope = Envelope.builder().messageId(messageId).type(MessageType.FILING).state(state)
                .level(ConfidentialityLevel.STATES_PARTIES).reportType("national-report").period("2026")
                .title("Crash harness " + messageId).withheld(false).document(name, file, "application/pdf").build();
        attempts.put(name, new Attempt(name, state, content.length, sha256(content), envelope, file));
        MessageReceipt receipt = api.send(envelope, Map.of(name, file));
        String filingId = receipt.documents().get(0).filingId();
        acknowledged.put(name, filingId);
    }

    private void releaseOne() throws Exception {
        ProcessClients.AdminResult pending = clients.admin("filings", "--status", "pending");
        if (pending.code() != 0) {
            throw new IllegalStateException("admin filings failed: " + pending.output());
        }
        List<String> ids = pending.lines().stream().map(l -> l.split("\\s+")[0]).toList();
        if (ids.isEmpty()) {
            Thread.sleep(100);
            return;
        }
        String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
        ProcessClients.AdminResult r = clients.admin("release", id);
        if (r.code() != 0) {
            throw new IllegalStateException("release " + id + " failed: " + r.output());
        }
        releasesAcknowledged.add(id);
        Thread.sleep(50);
    }

    /**
     * Mostly small documents (many commits, so kills land between and inside them) and some up to 3 MiB
     * (kills land in the middle of transfers).
     */
    private static byte[] content() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(256 * 1024, 3 * 1024 * 1024) : r.nextInt(1, 64 * 1024)];
        r.nextBytes(b);
        return b;
    }

    /** One line of {@code admin filings}. */
    record Filing(String id, String state, String status, long size, String fileName) {
    }

    private Map<String, Filing> filings() {
        ProcessClients.AdminResult r = clients.admin("filings");
        if (r.code() != 0) {
            throw new AssertionError("admin filings failed: " + r.output());
        }
        Map<String, Filing> out = new TreeMap<>();
        for (String line : r.lines()) {
            String[] p = line.trim().split("\\s+");
            out.put(p[0], new Filing(p[0], p[1], p[4], Long.parseLong(p[5]), p[6]));
        }
        return out;
    }

    /** Every promise, checked against the restarted server. */
    private Map<String, Filing> check(String when) throws Exception {
        Map<String, Filing> filings = filings();
        Map<String, String> byName = new TreeMap<>();
        for (Filing f : filings.values()) {
            Attempt a = attempts.get(f.fileName());
            if (a == null) {
                throw new AssertionError(when + ": filing " + f.id() + " (" + f.fileName() + ") is no document a client sent");
            }
            if (byName.put(f.fileName(), f.id()) != null) {
                throw new AssertionError(when + ": " + f.fileName() + " was filed twice");
            }
            if (!f.state().equals(a.state()) || f.size() != a.size()) {
                throw new AssertionError(when + ": filing " + f.id() + " has state " + f.state() + " and size " + f.size()
                        + ", the client sent " + a.state() + " and " + a.size() + " bytes (a partial upload is visible)");
            }
            if (verifiedDocuments.add(f.id())) {
                verifyDocument(when, f, a);
            }
        }
        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
            String id = byName.get(ack.getKey());
            if (id == null) {
                throw new AssertionError(when + ": acknowledged document " + ack.getKey() + " has no filing: LOST");
            }
            if (!ack.getValue().isEmpty() && !ack.getValue().equals(id)) {
                throw new AssertionError(when + ": the receipt for " + ack.getKey() + " names filing " + ack.getValue()
                        + " but the filing is " + id);
            }
        }
        ProcessClients.AdminResult audit = clients.admin("verify-audit");
        if (audit.code() != 0 || !audit.output().contains("audit chain intact")) {
            throw new AssertionError(when + ": the audit chain does not verify: " + audit.output());
        }
        checkDistribution(when, filings);
        checkNoOrphans(when, filings);
        return filings;
    }

    /** Exports the document (decrypting it) and compares it with what the client sent. */
    private void verifyDocument(String when, Filing f, Attempt a) throws Exception {
        ProcessClients.AdminResult shown = clients.admin("show", f.id());
        JsonNode record = JSON.readTree(shown.output().substring(shown.output().indexOf('{'))).path("filing");
        if (!a.sha256().equals(record.path("sha256").asText())) {
            throw new AssertionError(when + ": filing " + f.id() + " records SHA-256 " + record.path("sha256").asText()
                    + " but the client sent " + a.sha256());
        }
        Path out = work.resolve("export-" + f.id());
        ProcessClients.AdminResult exported = clients.admin("export", f.id(), "-o", out.toString());
        if (exported.code() != 0) {
            throw new AssertionError(when + ": filing " + f.id() + " cannot be exported (decrypted): " + exported.output());
        }
        String got = sha256(Files.readAllBytes(out));
        Files.delete(out);
        if (!got.equals(a.sha256())) {
            throw new AssertionError(when + ": filing " + f.id() + " decrypts to SHA-256 " + got + ", the client sent " + a.sha256());
        }
    }

    private List<String> recipients(String filingId) throws Exception {
        List<String> known = planRecipients.get(filingId);
        if (known != null) {
            return known;
        }
        ProcessClients.AdminResult shown = clients.admin("show", filingId);
        JsonNode plan = JSON.readTree(shown.output().substring(shown.output().indexOf('{'))).path("plan");
        List<String> r = new ArrayList<>();
        plan.path("recipients").forEach(n -> r.add(n.asText()));
        planRecipients.put(filingId, r);
        return r;
    }

    /** Each released filing reached each recipient's queue exactly once; nothing unreleased reached any. */
    private void checkDistribution(String when, Map<String, Filing> filings) throws Exception {
        for (String id : releasesAcknowledged) {
            Filing f = filings.get(id);
            if (f == null || !f.status().equals("released")) {
                throw new AssertionError(when + ": acknowledged release of " + id + " is lost (status " + (f == null ? "none" : f.status())
                        + ")");
            }
        }
        for (String[] reader : INBOX_READERS) {
            MessageClient api = clients.api(reader[0]);
            Map<String, Integer> items = new TreeMap<>();
            long after = 0;
            while (true) {
                List<InboxEntry> page = api.inbox(after, 1000);
                for (InboxEntry e : page) {
                    items.merge(e.id(), 1, Integer::sum);
                    after = e.seq();
                }
                if (page.size() < 1000) {
                    break;
                }
            }
            for (Map.Entry<String, Integer> item : items.entrySet()) {
                if (item.getValue() != 1) {
                    throw new AssertionError(when + ": " + reader[1] + " received " + item.getKey() + " " + item.getValue() + " times");
                }
                String filingId = item.getKey().substring("dist-".length());
                Filing f = filings.get(filingId);
                if (f == null || !f.status().equals("released")) {
                    throw new AssertionError(when + ": " + reader[1] + " received unreleased filing " + filingId);
                }
            }
            for (Filing f : filings.values()) {
                if (f.status().equals("released")) {
                    boolean entitled = recipients(f.id()).contains(reader[1]);
                    if (entitled != items.containsKey("dist-" + f.id())) {
                        throw new AssertionError(when + ": released filing " + f.id() + (entitled ? " is missing from " : " reached ")
                                + reader[1] + "'s queue");
                    }
                    if (entitled && !PARTIES.contains(reader[1])) {
                        throw new AssertionError(when + ": a signatory is a recipient of " + f.id());
                    }
                }
            }
        }
    }

    /**
     * Start-up recovery leaves exactly the documents records refer to: one per filing, one signed
     * envelope per accepted message, one signed item per queue entry; and no temporary.
     */
    private void checkNoOrphans(String when, Map<String, Filing> filings) throws Exception {
        long messages = filings.values().stream().filter(f -> f.fileName().startsWith("msg-")).count();
        long distributions = 0;
        for (Filing f : filings.values()) {
            if (f.status().equals("released")) {
                distributions += recipients(f.id()).size();
            }
        }
        long expected = filings.size() + messages + distributions;
        Path blobs = home.resolve("blobs");
        long stored;
        try (Stream<Path> s = Files.walk(blobs)) {
            stored = s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).count();
        }
        long temporaries;
        try (Stream<Path> s = Files.list(blobs.resolve("tmp"))) {
            temporaries = s.count();
        }
        if (stored != expected || temporaries != 0) {
            throw new AssertionError(when + ": " + stored + " stored documents and " + temporaries + " temporaries; the records refer to "
                    + expected + " (orphans not cleared?)");
        }
    }

    /**
     * Resends every message of the cycle, answered or not; each must come back with its original filing,
     * or be filed now, once.
     */
    private int resend(int cycle) throws Exception {
        int resent = 0;
        Map<String, MessageClient> apis = new TreeMap<>();
        for (String[] s : SENDERS) {
            apis.put(s[1], clients.api(s[0]));
        }
        for (Attempt a : attempts.values()) {
            if (a.envelope() == null || !a.name().startsWith("msg-c" + cycle + "-")) {
                continue;
            }
            String before = acknowledged.get(a.name());
            MessageReceipt again = apis.get(a.state()).send(a.envelope(), Map.of(a.name(), a.file()));
            String id = again.documents().get(0).filingId();
            if (before != null && !before.isEmpty() && !before.equals(id)) {
                throw new AssertionError("the resend of " + a.envelope().messageId() + " was filed again as " + id + " (first " + before + ")");
            }
            acknowledged.put(a.name(), id);
            resent++;
        }
        return resent;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
