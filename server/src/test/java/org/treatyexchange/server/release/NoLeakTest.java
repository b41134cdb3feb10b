package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.ReceiptVerifier;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;
import org.treatyexchange.server.release.NoLeakModel.Allowed;
import org.treatyexchange.server.release.NoLeakModel.Filing;
import org.treatyexchange.server.release.NoLeakModel.Life;

/**
 * No leak, by enumeration: one server, a population of filings made through the real surfaces
 * (SFTP drop folders, the signed-message API, the admin CLI) covering every State, every level and
 * every life a filing can have; then, for every demo account and every filing, every place the
 * filing could show up for that account is listed, stat'ed and read, and compared with what the
 * rules (written independently in {@link NoLeakModel}) allow. Any extra visibility is a leak; any
 * missing one is a bug. The same for every State's inbound queue over HTTPS, seq by seq.
 */
class NoLeakTest {

    @TempDir
    static Path tmp;

    static TestExchange exchange;
    static X509Certificate receiptCert;
    static final List<Filing> POPULATION = new ArrayList<>();
    /** seq of every queue entry the API lists to each State (through its system certificate) → the entry. */
    static final Map<String, Map<Long, InboxEntry>> QUEUES = new TreeMap<>();
    static long maxSeq;
    static long setupMillis;

    // ---- the population --------------------------------------------------------------------------

    /**
     * One kind of filing: who files, through which channel, what type and level it declares. Channel
     * {@code api-instructed} files by HTTPS without declaring a level: {@code level} and {@code named}
     * are then what the State's standing instruction (or the report type's default) must give it.
     */
    record Kind(String state, String channel, String reportType, String level, List<String> named) {
    }

    static List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        for (String state : NoLeakModel.STATES) {
            // national-report in a folder: the folder's declaration must beat BOR's standing instruction (named ARC, SYL)
            kinds.add(new Kind(state, "sftp", "annual-report", "public", List.of()));
            kinds.add(new Kind(state, "sftp", "national-report", "states-parties", List.of()));
            kinds.add(new Kind(state, "sftp", "initial-report", "secretariat", List.of()));
        }
        kinds.add(new Kind("BOR", "api", "national-report", "named", List.of("ARC", "SYL")));
        kinds.add(new Kind("ARC", "api", "national-report", "named", List.of("BOR")));
        kinds.add(new Kind("SYL", "api", "annual-report", "named", List.of("BOR")));
        kinds.add(new Kind("CAL", "api", "national-report", "named", List.of("ARC", "SYL"))); // a signatory may name parties
        kinds.add(new Kind("ARC", "api", "annual-report", "states-parties", List.of()));
        kinds.add(new Kind("CAL", "api", "nil-annual-report", "public", List.of()));
        // No level said: the registry's standing instruction (BOR national reports named ARC, SYL; ARC annual reports
        // public), or the report type's default (SYL has no instruction for annual reports: states-parties).
        kinds.add(new Kind("BOR", "api-instructed", "national-report", "named", List.of("ARC", "SYL")));
        kinds.add(new Kind("ARC", "api-instructed", "annual-report", "public", List.of()));
        kinds.add(new Kind("SYL", "api-instructed", "annual-report", "states-parties", List.of()));
        kinds.add(new Kind("SYL", "api", "initial-report-update", "secretariat", List.of()));
        return kinds;
    }

    /** Named lists the rules cannot honour: naming a signatory, naming the filer. The API must refuse them (or fail closed). */
    static List<Kind> malformedNamed() {
        return List.of(new Kind("SYL", "api", "points-of-contact", "named", List.of("ARC", "CAL")),
                new Kind("BOR", "api", "correspondence", "named", List.of("ARC", "BOR")));
    }

    static ServerConfig fastConfig(Path home) throws Exception {
        // The shipped configuration, but with a rate limit that lets one client probe every seq, and no fsync (tests only).
        String yaml = Files.readString(TestExchange.REPO.resolve("config/server.yaml"));
        String changed = yaml.replaceFirst("requestsPerMinute: 120\\b", "requestsPerMinute: 100000")
                .replaceFirst("fsync: true\\b", "fsync: false");
        assertThat(changed).contains("requestsPerMinute: 100000").contains("fsync: false");
        Path file = tmp.resolve("server.yaml");
        Files.writeString(file, changed);
        return ServerConfigLoader.load(file).withHome(home).withSftpPort(0).withApiPort(0).withPortalPort(0).withMonitoringPort(0)
                .withRegistryFile(TestExchange.REPO.resolve("config/registry.yaml"));
    }

    @BeforeAll
    static void populate() throws Exception {
        long start = System.nanoTime();
        ServerConfig config = fastConfig(tmp.resolve("home"));
        exchange = TestExchange.start(tmp.resolve("home"), c -> config);
        receiptCert = certificate(exchange.server().receiptCertificate());
        long startMillis = (System.nanoTime() - start) / 1_000_000;

        // One State after the other (writes serialise on the audit chain anyway); each State's kinds in order, so a
        // superseding version always comes second.
        List<Kind> kinds = kinds();
        for (String state : NoLeakModel.STATES) {
            POPULATION.addAll(fileAll(kinds, state));
        }
        // A malformed named list is never filed wider than the rules allow: refused (nothing filed), or filed as secretariat.
        int order = 5000;
        for (Kind k : malformedNamed()) {
            int before = exchange.admin("filings", "--state", k.state()).split("\n").length;
            Filing f = new Filing(k.state(), account(k.state(), "system"), "api", k.reportType(), k.level(), k.named(), Life.RELEASED,
                    "malformed-named-" + order + ".pdf", ("malformed " + order).getBytes(StandardCharsets.UTF_8), order);
            try {
                String id = fileByApi(client(f.account), f, "noleak-malformed-" + order);
                f.id = id; // accepted after all: it must then have failed closed to secretariat (checked like every other filing)
                POPULATION.add(f);
                live(f);
                System.out.println("NoLeakTest: " + k + " accepted as " + id + "; expected to fail closed to secretariat");
            } catch (ExchangeException e) {
                assertThat(e.status()).as(e.toString()).isEqualTo(400);
                assertThat(exchange.admin("filings", "--state", k.state()).split("\n")).hasSize(before);
                System.out.println("NoLeakTest: " + k + " refused: " + e.status() + " " + e.problemType());
            }
            order++;
        }
        assertThat(POPULATION.stream().map(f -> f.id).distinct().count()).isEqualTo(POPULATION.size());

        // Every queue as its State's system certificate lists it over HTTPS (nothing is ever acknowledged here).
        for (String state : NoLeakModel.STATES) {
            Map<Long, InboxEntry> entries = new TreeMap<>();
            for (InboxEntry e : listAll(client(account(state, "system")))) {
                assertThat(entries.put(e.seq(), e)).as("seq %d listed twice to %s", e.seq(), state).isNull();
            }
            QUEUES.put(state, entries);
            maxSeq = Math.max(maxSeq, entries.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
        }
        setupMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("NoLeakTest population: %d filings (%d kinds x %d lives) in %d ms (server start %d ms, filing %d ms, admin CLI %d ms);"
                + " queue seqs 1..%d%n", POPULATION.size(), kinds().size(), Life.values().length, setupMillis, startMillis,
                UPLOAD_NANOS.get() / 1_000_000, ADMIN_NANOS.get() / 1_000_000, maxSeq);
    }

    /** Files every kind of one State, in every life, through that State's own accounts; in filing order. */
    static List<Filing> fileAll(List<Kind> kinds, String state) throws Exception {
        List<Filing> out = new ArrayList<>();
        Map<String, ClientSession> sessions = new HashMap<>();
        Map<String, SftpClient> sftps = new HashMap<>();
        try {
            for (Kind k : kinds) {
                if (!k.state().equals(state)) {
                    continue;
                }
                for (Life life : Life.values()) {
                    int order = kinds.indexOf(k) * 100 + life.ordinal();
                    String account = account(k.state(), life.ordinal() % 2 == 0 || !k.channel().equals("sftp") ? "system" : "officer");
                    String base = (k.state() + "-" + k.channel() + "-" + k.reportType() + "-" + k.level()).toLowerCase(java.util.Locale.ROOT);
                    String name = life == Life.SUPERSEDED_OLD || life == Life.SUPERSEDED_NEW ? base + "-superseded.pdf"
                            : base + "-" + life.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".pdf";
                    byte[] content = (order + " " + life + " " + k + " " + HexFormat.of().formatHex(randomBytes(24)) + "\n")
                            .getBytes(StandardCharsets.UTF_8);
                    Filing f = new Filing(k.state(), account, k.channel(), k.reportType(), k.level(), k.named(), life, name, content, order);
                    long t = System.nanoTime();
                    if (k.channel().equals("sftp")) {
                        SftpClient sftp = sftps.get(account);
                        if (sftp == null) {
                            ClientSession s = login(account);
                            sessions.put(account, s);
                            sftp = exchange.sftp(s);
                            sftps.put(account, sftp);
                        }
                        String path = "/submit/" + k.reportType() + "/" + k.level() + "/" + name;
                        if (k.reportType().equals("national-report")) {
                            // no implied period for a national report: its manifest says it
                            try (OutputStream m = sftp.write(path + ".manifest.json")) {
                                m.write(("{\"version\":1,\"reportType\":\"national-report\",\"period\":\"" + validPeriod(k.reportType())
                                        + "\",\"withheld\":false}").getBytes(StandardCharsets.UTF_8));
                            }
                        }
                        f.id = fileBySftp(sftp, path, content);
                    } else {
                        f.id = fileByApi(client(account), f, "noleak-" + order);
                    }
                    UPLOAD_NANOS.addAndGet(System.nanoTime() - t);
                    out.add(f);
                    live(f);
                }
            }
        } finally {
            for (SftpClient c : sftps.values()) {
                c.close();
            }
            for (ClientSession s : sessions.values()) {
                s.close(true);
            }
        }
        return out;
    }

    /** Takes a filing through its life with the admin CLI. */
    static void live(Filing f) {
        switch (f.life) {
            case PENDING -> { }
            case HELD -> admin("hold", f.id, "--reason", "annex missing");
            case RELEASED, SUPERSEDED_OLD, SUPERSEDED_NEW -> admin("release", f.id);
            case HELD_THEN_RELEASED -> {
                admin("hold", f.id, "--reason", "check the annex");
                admin("release", f.id);
            }
            case WITHDRAWN_AFTER_RELEASE -> {
                admin("release", f.id);
                admin("withdraw", f.id, "--reason", "the State asked");
            }
            case WITHDRAWN_BEFORE_RELEASE -> admin("withdraw", f.id, "--reason", "filed by mistake");
            default -> throw new IllegalStateException(f.life.toString());
        }
    }

    static final AtomicLong ADMIN_NANOS = new AtomicLong();
    static final AtomicLong UPLOAD_NANOS = new AtomicLong();

    static void admin(String... args) {
        long t = System.nanoTime();
        String out = exchange.admin(args);
        ADMIN_NANOS.addAndGet(System.nanoTime() - t);
        assertThat(out).as(String.join(" ", args)).startsWith("0\n");
    }

    static String account(String state, String role) {
        return NoLeakModel.ACCOUNTS.entrySet().stream().filter(e -> state.equals(e.getValue()) && e.getKey().endsWith("-" + role))
                .findFirst().orElseThrow().getKey();
    }

    /** Uploads through an open SFTP session; the new filing's id is the receipt that appeared. */
    static String fileBySftp(SftpClient sftp, String path, byte[] content) throws Exception {
        Set<String> before = names(sftp, "/receipts");
        try (OutputStream out = sftp.write(path)) {
            out.write(content);
        }
        Set<String> after = names(sftp, "/receipts");
        after.removeAll(before);
        assertThat(after).as("one new receipt for " + path).hasSize(1);
        String receipt = after.iterator().next();
        return receipt.substring(0, receipt.length() - ".p7s".length());
    }

    /** A period each report type accepts: annual reports cover a past year; contacts and correspondence have none. */
    static String validPeriod(String reportType) {
        int year = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
        return switch (reportType) {
            case "annual-report", "nil-annual-report" -> Integer.toString(year - 1);
            case "points-of-contact", "correspondence" -> null;
            default -> Integer.toString(year);
        };
    }

    static String fileByApi(MessageClient api, Filing f, String messageId) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("api").resolve(Integer.toString(f.order)));
        Path doc = dir.resolve(f.fileName);
        Files.write(doc, f.content);
        Envelope.Builder b = Envelope.builder().messageId(messageId).type(MessageType.FILING).state(f.state)
                .reportType(f.reportType).period(validPeriod(f.reportType))
                .title("No-leak population " + f.order).withheld(false).document(f.fileName, doc, "application/pdf");
        if (!f.channel.equals("api-instructed")) {
            b.level(ConfidentialityLevel.fromWireName(f.level).orElseThrow());
            if (!f.named.isEmpty()) {
                b.namedStates(f.named);
            }
        }
        MessageReceipt receipt = api.send(b.build(), Map.of(f.fileName, doc));
        assertThat(receipt.documents()).hasSize(1);
        return receipt.documents().get(0).filingId();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ssh != null) {
            ssh.stop();
        }
        if (exchange != null) {
            exchange.close();
        }
    }

    // ---- SFTP: every account, every filing, every place it could appear ----------------------------

    @Test
    void everyAccountSeesExactlyWhatTheRulesAllowOverSftp() throws Exception {
        long start = System.nanoTime();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong ops = new AtomicLong();
        AtomicLong allowed = new AtomicLong();
        AtomicLong denied = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(NoLeakModel.ACCOUNTS.size());
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (Map.Entry<String, String> a : NoLeakModel.ACCOUNTS.entrySet()) {
                Callable<Void> run = () -> {
                    new SftpProbe(a.getKey(), a.getValue(), problems, ops, allowed, denied).run();
                    return null;
                };
                runs.add(pool.submit(run));
            }
            for (Future<Void> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("NoLeakTest SFTP: %d accounts x %d filings: %d operations checked, %d allowed, %d denied, %d problems, %d ms%n",
                NoLeakModel.ACCOUNTS.size(), POPULATION.size(), ops.get(), allowed.get(), denied.get(), problems.size(),
                (System.nanoTime() - start) / 1_000_000);
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        assertThat(problems).as("leaks or missing visibility over SFTP").isEmpty();
        assertThat(allowed.get()).isPositive();
        assertThat(denied.get()).isPositive();
    }

    /** One account's whole enumeration, on its own SFTP session. */
    static final class SftpProbe {
        final String account;
        final String state;
        final ConcurrentLinkedQueue<String> problems;
        final AtomicLong ops;
        final AtomicLong allowed;
        final AtomicLong denied;
        final Map<String, Allowed> readable;
        /** This State's inbound-queue files in /distributed/, by name → seq. */
        final Map<String, Long> ownItems = new TreeMap<>();

        SftpProbe(String account, String state, ConcurrentLinkedQueue<String> problems, AtomicLong ops, AtomicLong allowed,
                AtomicLong denied) {
            this.account = account;
            this.state = state;
            this.problems = problems;
            this.ops = ops;
            this.allowed = allowed;
            this.denied = denied;
            this.readable = NoLeakModel.readable(state, POPULATION);
            if (state != null) {
                QUEUES.get(state).forEach((seq, e) -> ownItems.put(itemName(seq, e.kind()), seq));
            }
        }

        void run() throws Exception {
            try (ClientSession s = login(account); SftpClient sftp = exchange.sftp(s)) {
                listings(sftp);
                for (String path : candidatePaths()) {
                    probeFile(sftp, path);
                }
                for (Filing f : POPULATION) { // the secretariat's per-filing folders (for the secretariat also under a wrong State)
                    for (String st : state == null ? List.of(f.state, otherState(f.state)) : List.of(f.state)) {
                        String dir = "/filings/" + st + "/" + f.id;
                        boolean may = state == null && st.equals(f.state);
                        probeStat(sftp, dir, may);
                        probeList(sftp, dir, may ? new TreeSet<>(List.of(f.fileName, "receipt.p7s")) : null);
                    }
                }
            }
        }

        /**
         * Every path a filing could be found under, by any account (so for this one, also the paths built from other
         * States' filing ids); every queue seq; and two controls that name nothing.
         */
        List<String> candidatePaths() {
            Set<String> paths = new LinkedHashSet<>();
            for (Filing f : POPULATION) {
                paths.add("/distributed/" + f.distributedName());
                paths.add("/public/" + f.distributedName());
                paths.add("/receipts/" + f.id + ".p7s");
                for (String level : NoLeakModel.FOLDER_LEVELS) {
                    paths.add("/submit/" + f.reportType + "/" + level + "/" + f.fileName);
                }
                // the secretariat's tree; for the secretariat also under a wrong State (a filing is only under its own)
                for (String st : state == null ? List.of(f.state, otherState(f.state)) : List.of(f.state)) {
                    paths.add("/filings/" + st + "/" + f.id + "/" + f.fileName);
                    paths.add("/filings/" + st + "/" + f.id + "/receipt.p7s");
                }
            }
            for (long seq = 1; seq <= maxSeq + 3; seq++) {
                paths.add("/distributed/" + itemName(seq, "distribution"));
            }
            paths.add("/distributed/20000101T000000Z-NOSUCHFILE--x.pdf");
            paths.add("/receipts/20000101T000000Z-NOSUCHFILE.p7s");
            return new ArrayList<>(paths);
        }

        void listings(SftpClient sftp) throws Exception {
            if (state == null) {
                probeList(sftp, "/", new TreeSet<>(List.of("filings", "pending", "release", "hold")));
                probeList(sftp, "/filings", new TreeSet<>(NoLeakModel.STATES));
                for (String st : NoLeakModel.STATES) {
                    Set<String> ids = new TreeSet<>();
                    POPULATION.stream().filter(f -> f.state.equals(st)).forEach(f -> ids.add(f.id));
                    probeList(sftp, "/filings/" + st, ids);
                }
                for (String dir : List.of("/submit", "/receipts", "/distributed", "/public", "/submit/annual-report/public")) {
                    probeList(sftp, dir, null);
                }
                return;
            }
            probeList(sftp, "/", new TreeSet<>(List.of("submit", "receipts", "distributed", "public", "withdraw")));
            probeList(sftp, "/submit", new TreeSet<>(NoLeakModel.REPORT_TYPES));
            for (String type : NoLeakModel.REPORT_TYPES) {
                probeList(sftp, "/submit/" + type, new TreeSet<>(NoLeakModel.FOLDER_LEVELS));
                for (String level : NoLeakModel.FOLDER_LEVELS) {
                    probeList(sftp, "/submit/" + type + "/" + level, childrenOf("/submit/" + type + "/" + level));
                }
            }
            Set<String> receipts = childrenOf("/receipts");
            receipts.add("refused"); // the folder of the State's own notices of refused uploads
            probeList(sftp, "/receipts", receipts);
            Set<String> distributed = childrenOf("/distributed");
            distributed.addAll(ownItems.keySet());
            if (NoLeakModel.PARTIES.contains(state)) {
                distributed.add("points-of-contact.txt"); // the generated contact list: States Parties only, never signatories
            }
            probeList(sftp, "/distributed", distributed);
            probeList(sftp, "/public", childrenOf("/public"));
            probeList(sftp, "/filings", null);
            for (String st : NoLeakModel.STATES) {
                probeList(sftp, "/filings/" + st, null);
            }
        }

        Set<String> childrenOf(String dir) {
            Set<String> out = new TreeSet<>();
            for (String p : readable.keySet()) {
                if (p.startsWith(dir + "/") && p.indexOf('/', dir.length() + 1) < 0) {
                    out.add(p.substring(dir.length() + 1));
                }
            }
            return out;
        }

        /** Lists a folder; {@code expected} null means the folder must not exist for this account. */
        void probeList(SftpClient sftp, String dir, Set<String> expected) {
            ops.incrementAndGet();
            Set<String> actual = new TreeSet<>();
            try {
                for (SftpClient.DirEntry e : sftp.readDir(dir)) {
                    if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                        actual.add(e.getFilename());
                    }
                }
            } catch (SftpException | java.io.UncheckedIOException x) {
                // MINA opens the folder at once but may report a failure only when iterating
                if (!(x instanceof SftpException) && !(x.getCause() instanceof SftpException)) {
                    problem("list " + dir + " failed: " + x);
                    return;
                }
                SftpException e = x instanceof SftpException se ? se : (SftpException) x.getCause();
                if (expected != null) {
                    problem("MISSING list " + dir + ": " + SftpConstants.getStatusName(e.getStatus()));
                    return;
                }
                denied.incrementAndGet();
                expectNoSuchFile("list " + dir, e);
                return;
            } catch (Exception e) {
                problem("list " + dir + " failed: " + e);
                return;
            }
            if (expected == null) {
                problem("LEAK list " + dir + " exists: " + actual);
                return;
            }
            allowed.incrementAndGet();
            Set<String> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            for (String x : extra) {
                problem("LEAK list " + dir + " shows " + x + describe(dir + "/" + x));
            }
            for (String m : missing) {
                problem("MISSING list " + dir + " lacks " + m);
            }
        }

        void probeStat(SftpClient sftp, String path, boolean may) {
            ops.incrementAndGet();
            try {
                sftp.stat(path);
                if (may) {
                    allowed.incrementAndGet();
                } else {
                    problem("LEAK stat " + path + describe(path));
                }
            } catch (SftpException e) {
                if (may) {
                    problem("MISSING stat " + path + ": " + SftpConstants.getStatusName(e.getStatus()));
                } else {
                    denied.incrementAndGet();
                    expectNoSuchFile("stat " + path, e);
                }
            } catch (Exception e) {
                problem("stat " + path + " failed: " + e);
            }
        }

        void probeFile(SftpClient sftp, String path) {
            Allowed a = readable.get(path);
            Long seq = ownItems.get(path.startsWith("/distributed/") ? path.substring("/distributed/".length()) : "");
            boolean may = a != null || seq != null;
            probeStat(sftp, path, may);
            ops.incrementAndGet();
            byte[] got;
            try (InputStream in = sftp.read(path)) {
                got = in.readAllBytes();
            } catch (SftpException e) {
                if (may) {
                    problem("MISSING read " + path + ": " + SftpConstants.getStatusName(e.getStatus()));
                } else {
                    denied.incrementAndGet();
                    expectNoSuchFile("read " + path, e);
                }
                return;
            } catch (Exception e) {
                problem("read " + path + " failed: " + e);
                return;
            }
            if (!may) {
                problem("LEAK read " + path + " returned " + got.length + " bytes" + describe(path));
                return;
            }
            allowed.incrementAndGet();
            if (seq != null) {
                checkItem(path, got, seq);
            } else if (a.receipt()) {
                checkReceipt(path, got, a.filing());
            } else if (!Arrays.equals(got, a.filing().content)) {
                problem("WRONG content at " + path + ": expected " + a.filing() + ", got " + new String(got, StandardCharsets.UTF_8).strip());
            }
        }

        void checkReceipt(String path, byte[] cms, Filing f) {
            try {
                Receipt r = ReceiptVerifier.verifyFilingReceipt(cms, receiptCert);
                if (!r.filingId().equals(f.id) || !r.state().equals(f.state) || !r.fileName().equals(f.fileName)
                        || !r.sha256().equals(sha256(f.content)) || r.size() != f.content.length
                        || !r.level().wireName().equals(f.effectiveLevel())) {
                    problem("WRONG receipt at " + path + ": " + r + " for " + f + " (level expected " + f.effectiveLevel() + ")");
                }
            } catch (Exception e) {
                problem("receipt at " + path + " does not verify: " + e);
            }
        }

        void checkItem(String path, byte[] cms, long seq) {
            try {
                InboxItem item = ReceiptVerifier.verifyInboxItem(cms, receiptCert);
                Filing f = byId(item.filingId());
                if (!state.equals(item.to()) || f == null || !NoLeakModel.queueMayHold(state, POPULATION).contains(f)) {
                    problem("LEAK queue item " + path + " (seq " + seq + ") to " + item.to() + " for " + f);
                }
            } catch (Exception e) {
                problem("queue item at " + path + " does not verify: " + e);
            }
        }

        void expectNoSuchFile(String what, SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                // another answer than "no such file" tells the account that something is there
                problem("ORACLE " + what + " answered " + SftpConstants.getStatusName(e.getStatus()) + " instead of SSH_FX_NO_SUCH_FILE");
            }
        }

        String describe(String path) {
            for (Filing f : POPULATION) {
                if (path.contains(f.id)) {
                    return " [" + f + "]";
                }
            }
            return "";
        }

        void problem(String p) {
            problems.add(account + ": " + p);
        }
    }

    static String itemName(long seq, String kind) {
        return String.format(java.util.Locale.ROOT, "%08d-%s.p7s", seq, kind);
    }

    static String otherState(String state) {
        List<String> s = NoLeakModel.STATES;
        return s.get((s.indexOf(state) + 1) % s.size());
    }

    static Filing byId(String id) {
        return POPULATION.stream().filter(f -> f.id.equals(id)).findFirst().orElse(null);
    }

    // ---- HTTPS: every State's queue, every seq, through every certificate ------------------------------

    @Test
    void everyStatesQueueHoldsExactlyItsOwnDistributionsOverHttps() throws Exception {
        long start = System.nanoTime();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong ops = new AtomicLong();
        AtomicLong allowed = new AtomicLong();
        AtomicLong denied = new AtomicLong();

        // 1. what each State's queue lists is exactly what it is entitled to (withdrawn-after-release: see the separate test)
        Map<Long, String> owner = new HashMap<>();
        for (String state : NoLeakModel.STATES) {
            Map<String, Long> byFiling = new HashMap<>();
            for (InboxEntry e : QUEUES.get(state).values()) {
                String previous = owner.put(e.seq(), state);
                if (previous != null) {
                    problems.add("seq " + e.seq() + " listed to both " + previous + " and " + state);
                }
                if (!e.kind().equals("distribution") || !e.id().startsWith("dist-")) {
                    problems.add(state + ": unexpected queue entry " + e);
                    continue;
                }
                String filingId = e.id().substring("dist-".length());
                if (byFiling.put(filingId, e.seq()) != null) {
                    problems.add(state + ": filing " + filingId + " distributed twice");
                }
            }
            Set<String> may = new TreeSet<>();
            NoLeakModel.queueMayHold(state, POPULATION).forEach(f -> may.add(f.id));
            Set<String> must = new TreeSet<>();
            NoLeakModel.queueMustHold(state, POPULATION).forEach(f -> must.add(f.id));
            for (String id : byFiling.keySet()) {
                if (!may.contains(id)) {
                    problems.add("LEAK " + state + "'s queue lists " + byId(id));
                }
            }
            for (String id : must) {
                if (!byFiling.containsKey(id)) {
                    problems.add("MISSING " + state + "'s queue lacks " + byId(id));
                }
            }
        }
        // Seqs are unique (checked above) and within 1..max; the gaps are the distribution items of
        // filings withdrawn after release, which no queue lists any more (the strict test below).
        if (owner.keySet().stream().anyMatch(seq -> seq < 1 || seq > maxSeq)) {
            problems.add("queue seqs outside 1.." + maxSeq + ": " + new TreeSet<>(owner.keySet()));
        }

        // 2. every certificate (both accounts of each State, and the secretariat) fetches every seq; only its own State's work
        ExecutorService pool = Executors.newFixedThreadPool(NoLeakModel.ACCOUNTS.size());
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (Map.Entry<String, String> a : NoLeakModel.ACCOUNTS.entrySet()) {
                Callable<Void> run = () -> {
                    probeQueue(a.getKey(), a.getValue(), owner, problems, ops, allowed, denied);
                    return null;
                };
                runs.add(pool.submit(run));
            }
            for (Future<Void> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("NoLeakTest HTTPS: %d certificates x seqs 1..%d: %d operations checked, %d allowed, %d denied, %d problems, %d ms%n",
                NoLeakModel.ACCOUNTS.size(), maxSeq + 3, ops.get(), allowed.get(), denied.get(), problems.size(),
                (System.nanoTime() - start) / 1_000_000);
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        assertThat(problems).as("leaks or missing entries in the inbound queues").isEmpty();
    }

    static void probeQueue(String account, String state, Map<Long, String> owner, ConcurrentLinkedQueue<String> problems, AtomicLong ops,
            AtomicLong allowed, AtomicLong denied) throws Exception {
        MessageClient api = client(account);
        ops.incrementAndGet();
        if (state == null) {
            try {
                List<InboxEntry> listed = api.inbox(0, 1000);
                problems.add("LEAK the secretariat's certificate lists a queue: " + listed);
            } catch (ExchangeException e) {
                denied.incrementAndGet();
            }
        } else {
            List<InboxEntry> listed = listAll(api);
            if (!listed.equals(new ArrayList<>(QUEUES.get(state).values()))) {
                problems.add(account + " lists another queue than its State's system account: " + listed);
            } else {
                allowed.incrementAndGet();
            }
        }
        for (long seq = 1; seq <= maxSeq + 3; seq++) {
            ops.incrementAndGet();
            boolean own = state != null && state.equals(owner.get(seq));
            try {
                InboxItem item = api.fetch(seq);
                if (!own) {
                    Filing f = byId(item.filingId());
                    problems.add("LEAK " + account + " fetched seq " + seq + " (" + owner.get(seq) + "'s) to " + item.to() + ": " + f);
                    continue;
                }
                allowed.incrementAndGet();
                Filing f = byId(item.filingId());
                InboxEntry listed = QUEUES.get(state).get(seq);
                if (f == null || !item.to().equals(state) || !("dist-" + f.id).equals(listed.id()) || item.documents().size() != 1
                        || !item.documents().get(0).name().equals(f.fileName) || item.documents().get(0).size() != f.content.length
                        || !item.documents().get(0).sha256().equals(sha256(f.content))
                        || !item.level().wireName().equals(f.effectiveLevel())) {
                    problems.add("WRONG item seq " + seq + " for " + account + ": " + item + " vs " + f);
                }
            } catch (ExchangeException e) {
                if (own) {
                    problems.add("MISSING " + account + " cannot fetch its seq " + seq + ": " + e.status() + " " + e.problemType());
                } else {
                    denied.incrementAndGet();
                    int expected = state == null ? 403 : 404;
                    if (e.status() != expected) {
                        problems.add("ORACLE " + account + " fetching seq " + seq + " got " + e.status() + " instead of " + expected);
                    }
                }
            }
        }
    }

    // ---- the withdrawn-after-release rule, strictly -----------------------------------------------------

    /**
     * "Only released, not withdrawn filings are distributed", read strictly: once a released filing
     * is withdrawn, no State's queue (HTTPS or SFTP {@code /distributed/<seq>-distribution.p7s})
     * should still offer its distribution item (which names the filing, its file name, size and
     * SHA-256).
     */
    @Test
    void aWithdrawnFilingsDistributionItemLeavesEveryQueue() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String state : NoLeakModel.PARTIES) {
            Set<Long> seqs = new TreeSet<>();
            for (InboxEntry e : QUEUES.get(state).values()) {
                Filing f = byId(e.id().substring("dist-".length()));
                if (f != null && f.life == Life.WITHDRAWN_AFTER_RELEASE) {
                    problems.add(state + " API inbox lists seq " + e.seq() + " for withdrawn " + f);
                    seqs.add(e.seq());
                }
            }
            try (ClientSession s = login(account(state, "officer")); SftpClient sftp = exchange.sftp(s)) {
                for (long seq : seqs) {
                    try (InputStream in = sftp.read("/distributed/" + itemName(seq, "distribution"))) {
                        InboxItem item = ReceiptVerifier.verifyInboxItem(in.readAllBytes(), receiptCert);
                        problems.add(state + " SFTP /distributed/" + itemName(seq, "distribution") + " still returns the item for withdrawn "
                                + byId(item.filingId()));
                    } catch (SftpException e) {
                        // gone, as it should be
                    }
                }
            }
        }
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        assertThat(problems).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    static SshClient ssh;

    /**
     * As {@link TestExchange#login}, with patient timeouts: this test runs thousands of operations and must not fail
     * because a shared build machine is slow.
     */
    static synchronized ClientSession login(String account) throws Exception {
        if (ssh == null) {
            ssh = SshClient.setUpDefaultClient();
            ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            ssh.start();
        }
        ClientSession session = ssh.connect(account, "127.0.0.1", exchange.port()).verify(Duration.ofSeconds(120)).getSession();
        session.addPublicKeyIdentity(exchange.keyPair(account));
        session.auth().verify(Duration.ofSeconds(120));
        return session;
    }

    static List<InboxEntry> listAll(MessageClient api) throws Exception {
        List<InboxEntry> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<InboxEntry> page = api.inbox(after, 1000);
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
            after = page.get(page.size() - 1).seq();
        }
    }

    static final Map<String, MessageClient> CLIENTS = new LinkedHashMap<>();

    static synchronized MessageClient client(String account) throws Exception {
        MessageClient c = CLIENTS.get(account);
        if (c == null) {
            Path demo = exchange.home().resolve("demo");
            ClientKeys keys = ClientKeys.fromPem(demo.resolve(account + "-api.key.pem"), demo.resolve(account + "-api.cert.pem"));
            c = MessageClient.builder()
                    .baseUri(URI.create("https://127.0.0.1:" + exchange.server().apiPort() + "/"))
                    .clientKeys(keys)
                    .trustedServerCa(certificate(exchange.server().caCertificate()))
                    .receiptCertificate(receiptCert)
                    .connectTimeout(Duration.ofSeconds(10))
                    .requestTimeout(Duration.ofSeconds(60))
                    .build();
            CLIENTS.put(account, c);
        }
        return c;
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static Set<String> names(SftpClient sftp, String dir) throws Exception {
        Set<String> out = new TreeSet<>();
        for (SftpClient.DirEntry e : sftp.readDir(dir)) {
            if (!e.getFilename().startsWith(".")) {
                out.add(e.getFilename());
            }
        }
        return out;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }
}
