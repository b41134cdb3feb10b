package org.treatyexchange.sdk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.sshd.common.SshConstants;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.FilingRequest;
import org.treatyexchange.sdk.FilingResult;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.KeyGenerator;
import org.treatyexchange.sdk.ProgressListener;
import org.treatyexchange.sdk.ReceiptTimestamp;
import org.treatyexchange.sdk.ReceiptVerifier;
import org.treatyexchange.sdk.RetryPolicy;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.VerifiedReceipt;
import org.treatyexchange.sdk.cli.ClientConfig.ConfigProblem;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.EnvelopeJson;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxItemJson;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code scripts/exchange}: the command-line tool of a national system. Every command reads the
 * configuration file ({@code --config}, else {@code $EXCHANGE_CLIENT_CONFIG}, else
 * {@code ./exchange.properties}); no secret is ever an argument.
 *
 * <p>Exit codes, for cron jobs and scripts: {@value #OK} done; {@value #REFUSED} the exchange refused
 * (fix the input, do not retry as is); {@value #USAGE} bad arguments or configuration;
 * {@value #NOT_VERIFIED} a signature or receipt did not verify; {@value #UNAVAILABLE} the exchange could
 * not be reached or was busy after every retry (try again later). One line on stderr says why;
 * {@code --json} prints one JSON object on stdout for every outcome.
 */
@Command(name = "exchange", mixinStandardHelpOptions = true, version = "Treaty Exchange client 0.1.0",
        description = "File reports, send signed messages and read the inbound queue of the Treaty Exchange.",
        subcommands = {ExchangeCli.Submit.class, ExchangeCli.Send.class, ExchangeCli.Inbox.class, ExchangeCli.Ack.class,
            ExchangeCli.Fetch.class, ExchangeCli.VerifyReceipt.class, ExchangeCli.ReceiptTimestampCommand.class, ExchangeCli.Keygen.class, ExchangeCli.HostKey.class})
public final class ExchangeCli implements Callable<Integer> {

    /** Done. */
    public static final int OK = 0;
    /** The exchange refused the request. */
    public static final int REFUSED = 1;
    /** Bad arguments or configuration. */
    public static final int USAGE = 2;
    /** A signature or receipt did not verify. */
    public static final int NOT_VERIFIED = 3;
    /** The exchange could not be reached, or was busy, after every retry. */
    public static final int UNAVAILABLE = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default $EXCHANGE_CLIENT_CONFIG or ./exchange.properties)")
    Path config;

    @Option(names = "--json", description = "print one JSON object on stdout instead of text")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final boolean terminal;

    private ExchangeCli(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.terminal = terminal;
    }

    /** Runs the tool and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err, System.getenv(), System.console() != null));
    }

    /**
     * Runs the tool in this process (as the tests and examples do).
     *
     * @param terminal whether a person watches (a progress bar is drawn on {@code err} only then)
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        CommandLine cl = new CommandLine(new ExchangeCli(out, err, env, terminal));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> USAGE);
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("exchange: internal error: " + e.getClass().getSimpleName());
            return USAGE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(out);
        return USAGE;
    }

    // ---- shared ----------------------------------------------------------------------------------

    @FunctionalInterface
    interface Body {
        ObjectNode run() throws Exception;
    }

    /** Runs a command body and maps every outcome to an exit code, a line on stderr, and (--json) stdout. */
    int execute(Body body, java.util.function.Function<ObjectNode, String> text) {
        try {
            ObjectNode result = body.run();
            result.put("exitCode", OK);
            out.println(json ? result.toString() : text.apply(result));
            return OK;
        } catch (ConfigProblem | IllegalArgumentException | FileAlreadyExistsException e) {
            return fail(USAGE, "usage", e instanceof FileAlreadyExistsException ? "refusing to overwrite " + e.getMessage() : e.getMessage());
        } catch (ExchangeException e) {
            boolean busy = e.status() == 429 || e.status() == 503;
            return fail(busy ? UNAVAILABLE : REFUSED, e.problemType(), e.getMessage());
        } catch (VerificationException e) {
            return fail(NOT_VERIFIED, "not-verified", e.reason().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
        } catch (IOException e) {
            int ssh = RetryPolicy.sshDisconnect(e);
            if (ssh == SshConstants.SSH2_DISCONNECT_HOST_KEY_NOT_VERIFIABLE) {
                return fail(NOT_VERIFIED, "host-key-not-pinned", "the SFTP server's host key is not the one pinned in the "
                        + "configuration (sftp.hostKey / sftp.hostKeyFile); not connecting");
            }
            if (ssh == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
                return fail(REFUSED, "login-refused", "the exchange refused the SFTP login: is this key registered for the account?");
            }
            return fail(UNAVAILABLE, "unavailable", "the exchange could not be reached: " + safe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(UNAVAILABLE, "interrupted", "interrupted");
        } catch (GeneralSecurityException e) {
            return fail(USAGE, "keys", e.getMessage());
        } catch (Exception e) {
            return fail(USAGE, "internal", e.getClass().getSimpleName());
        }
    }

    private static String safe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replaceAll("\\p{Cntrl}", " "));
    }

    private int fail(int code, String type, String message) {
        err.println("exchange: " + message);
        if (json) {
            ObjectNode n = JSON.createObjectNode();
            n.put("exitCode", code);
            n.put("error", type);
            n.put("message", message);
            out.println(n.toString());
        }
        return code;
    }

    ClientConfig config() throws ConfigProblem {
        Path file = config != null ? config
                : env.get("EXCHANGE_CLIENT_CONFIG") != null ? Path.of(env.get("EXCHANGE_CLIENT_CONFIG")) : Path.of("exchange.properties");
        if (!Files.isRegularFile(file)) {
            throw new ConfigProblem("no configuration file " + file + " (give --config FILE or set EXCHANGE_CLIENT_CONFIG)");
        }
        return ClientConfig.load(file, env);
    }

    ProgressListener progress() {
        return terminal && !json && !quiet ? new ProgressBar(err) : ProgressListener.NONE;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static ObjectNode tree(byte[] json) throws IOException {
        return (ObjectNode) JSON.readTree(json);
    }

    static ConfidentialityLevel level(String name) {
        return ConfidentialityLevel.fromWireName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown level '" + name + "'; use public, states-parties, secretariat or named"));
    }

    /** Writes bytes to a file atomically (temp file, then move). */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".exchange-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---- commands --------------------------------------------------------------------------------

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "File a document through the SFTP drop box; wait for its signed receipt, verify it and save it.")
    static final class Submit implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Parameters(paramLabel = "FILE", description = "the document") Path file;
        @Option(names = "--report-type", required = true, description = "e.g. annual-report, national-report") String reportType;
        @Option(names = "--level", description = "public, states-parties, secretariat or named (default: your State's standing "
                + "instruction for the report type, else the report type's default)") String level;
        @Option(names = "--period", description = "reporting period: 2025 or 2024-2025") String period;
        @Option(names = "--named-states", split = ",", description = "for --level named: the States, e.g. ARC,SYL") List<String> namedStates;
        @Option(names = "--withheld", description = "information was withheld (ATT Art. 13.3)") boolean withheld;
        @Option(names = "--name", description = "file it under this name (default: the file's name)") String name;
        @Option(names = "--new-version", description = "file it even if this very document is already the current filing under its name")
        boolean newVersion;
        @Option(names = "--submission-id", paramLabel = "ID", description = "file it under this idempotency key, 16 to 64 characters "
                + "of A-Z a-z 0-9 . _ - (default: a random one per run); a rerun with the same ID files nothing twice")
        String submissionId;
        @Option(names = "--title", description = "the filing's title as the secretariat and your State see it, 1 to 300 characters "
                + "(default: the document's name)") String title;
        @Option(names = {"-o", "--receipt-out"}, paramLabel = "FILE", description = "where to save the signed receipt (default ./<filing-id>.p7s)")
        Path receiptOut;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("no such file: " + file);
                }
                FilingRequest request = new FilingRequest(file, name, reportType, level == null ? null : level(level), period, namedStates,
                        withheld, newVersion, submissionId, title);
                ClientConfig c = cli.config();
                try (ExchangeClient exchange = c.client(true, false, cli.progress())) {
                    FilingResult r = exchange.submit(request);
                    Path saved = receiptOut != null ? receiptOut : Path.of(r.receipt().filingId() + ".p7s");
                    writeAtomically(saved, r.signedReceipt());
                    ObjectNode n = object();
                    n.put("filingId", r.receipt().filingId());
                    n.put("alreadyFiled", r.alreadyFiled());
                    n.put("attempts", r.attempts());
                    n.put("receiptFile", saved.toString());
                    n.set("receipt", tree(ReceiptJson.toBytes(r.receipt())));
                    return n;
                }
            }, n -> (n.get("alreadyFiled").asBoolean() ? "already filed as " : "filed as ") + n.get("filingId").asText()
                    + " (level " + n.get("receipt").get("level").asText() + ", sha256 " + n.get("receipt").get("sha256").asText()
                    + "); signed receipt verified and saved to " + n.get("receiptFile").asText());
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Send a signed message with documents over HTTPS; verify and save its receipt. Rerunning with the same "
                    + "--message-id resends the very same signed envelope (kept in the outbox), so nothing is filed twice.")
    static final class Send implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Parameters(paramLabel = "DOCUMENT", arity = "0..*", description = "documents to attach") List<Path> documents = new ArrayList<>();
        @Option(names = "--message-id", required = true, description = "yours, unique forever: [A-Za-z0-9._:-]{1,128}") String messageId;
        @Option(names = "--type", defaultValue = "filing", description = "filing or correspondence (default ${DEFAULT-VALUE})") String type;
        @Option(names = "--title", required = true) String title;
        @Option(names = "--report-type") String reportType;
        @Option(names = "--level", description = "public, states-parties, secretariat or named") String level;
        @Option(names = "--period") String period;
        @Option(names = "--named-states", split = ",") List<String> namedStates;
        @Option(names = "--withheld") boolean withheld;
        @Option(names = "--body-file", paramLabel = "FILE", description = "text of a correspondence") Path bodyFile;
        @Option(names = "--media-type", defaultValue = "application/octet-stream", description = "media type of every document") String mediaType;
        @Option(names = {"-o", "--receipt-out"}, paramLabel = "FILE", description = "where to save the signed receipt (default ./<message-id>.receipt.p7s)")
        Path receiptOut;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                ClientConfig c = cli.config();
                Envelope envelope = outboxOrNew(c);
                Map<String, Path> files = new java.util.LinkedHashMap<>();
                for (Path d : documents) {
                    files.put(String.valueOf(d.getFileName()), d);
                }
                try (ExchangeClient exchange = c.client(false, true, cli.progress())) {
                    SentMessage sent = exchange.send(envelope, files);
                    MessageReceipt r = sent.receipt();
                    Path saved = receiptOut != null ? receiptOut : Path.of(messageId + ".receipt.p7s");
                    writeAtomically(saved, sent.signedReceipt());
                    ObjectNode n = object();
                    n.put("messageId", r.messageId());
                    n.put("receiptFile", saved.toString());
                    n.set("receipt", tree(MessageReceiptJson.toBytes(r)));
                    return n;
                }
            }, n -> "sent " + n.get("messageId").asText() + "; " + n.get("receipt").get("documents").size()
                    + " document(s) filed; signed receipt verified and saved to " + n.get("receiptFile").asText());
        }

        /** The envelope kept for this id by an earlier run (same bytes: a resend), or a new one kept before it is sent. */
        private Envelope outboxOrNew(ClientConfig c) throws Exception {
            Path kept = c.outbox().resolve(messageId + ".envelope.json");
            Envelope fresh = build(c);
            if (Files.isRegularFile(kept)) {
                Envelope earlier = EnvelopeJson.fromBytes(Files.readAllBytes(kept));
                if (!sameContent(earlier, fresh)) {
                    throw new IllegalArgumentException("message id '" + messageId + "' was used before for another message "
                            + "(see " + kept + "); choose a new id");
                }
                return earlier;
            }
            writeAtomically(kept, EnvelopeJson.toBytes(fresh));
            return fresh;
        }

        private static boolean sameContent(Envelope a, Envelope b) {
            return java.util.Arrays.equals(EnvelopeJson.toBytes(withCreatedAt(a, b.createdAt())), EnvelopeJson.toBytes(b));
        }

        private static Envelope withCreatedAt(Envelope e, java.time.Instant at) {
            return new Envelope(e.version(), e.messageId(), e.type(), e.state(), at, e.level(), e.namedStates(), e.reportType(), e.period(),
                    e.title(), e.withheld(), e.recipients(), e.body(), e.documents());
        }

        private Envelope build(ClientConfig c) throws Exception {
            MessageType t = MessageType.fromWireName(type).filter(x -> x != MessageType.SECRETARIAT_MESSAGE)
                    .orElseThrow(() -> new IllegalArgumentException("--type must be filing or correspondence"));
            Envelope.Builder b = Envelope.builder().messageId(messageId).type(t).state(c.state()).title(title).withheld(withheld);
            if (reportType != null) {
                b.reportType(reportType);
            }
            if (level != null) {
                b.level(level(level));
            }
            if (period != null) {
                b.period(period);
            }
            if (namedStates != null) {
                b.namedStates(namedStates);
            }
            if (bodyFile != null) {
                b.body(Files.readString(bodyFile, StandardCharsets.UTF_8));
            }
            for (Path d : documents) {
                if (!Files.isRegularFile(d)) {
                    throw new IllegalArgumentException("no such file: " + d);
                }
                b.document(String.valueOf(d.getFileName()), d, mediaType);
            }
            return b.build();
        }
    }

    @Command(name = "inbox", mixinStandardHelpOptions = true, description = "List the unacknowledged items of the inbound queue.")
    static final class Inbox implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Option(names = "--after", defaultValue = "0", description = "only items after this sequence number") long after;
        @Option(names = "--limit", defaultValue = "100") int limit;
        @Option(names = "--save", paramLabel = "DIR", description = "also fetch each item, verify it and save it as <seq>.json")
        Path save;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                ClientConfig c = cli.config();
                try (ExchangeClient exchange = c.client(false, true, ProgressListener.NONE)) {
                    ArrayNode items = JSON.createArrayNode();
                    for (InboxEntry e : exchange.inbox(after, limit)) {
                        ObjectNode n = items.addObject();
                        n.put("seq", e.seq());
                        n.put("kind", e.kind());
                        n.put("id", e.id());
                        n.put("title", e.title());
                        n.put("createdAt", e.createdAt().toString());
                        if (save != null) {
                            InboxItem item = exchange.fetch(e.seq());
                            Path file = save.resolve(e.seq() + ".json");
                            writeAtomically(file, InboxItemJson.toBytes(item));
                            n.put("savedTo", file.toString());
                        }
                    }
                    ObjectNode n = object();
                    n.set("entries", items);
                    return n;
                }
            }, n -> {
                StringBuilder sb = new StringBuilder();
                n.get("entries").forEach(e -> sb.append(e.get("seq").asLong()).append('\t').append(e.get("kind").asText()).append('\t')
                        .append(e.get("createdAt").asText()).append('\t').append(e.get("title").asText())
                        .append(e.has("savedTo") ? "\t" + e.get("savedTo").asText() : "").append('\n'));
                sb.append(n.get("entries").size()).append(" unacknowledged item(s)");
                return sb.toString();
            });
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge inbound-queue items (they leave the queue).")
    static final class Ack implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Parameters(paramLabel = "SEQ", arity = "1..*") List<Long> seqs;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                ClientConfig c = cli.config();
                try (ExchangeClient exchange = c.client(false, true, ProgressListener.NONE)) {
                    ArrayNode done = JSON.createArrayNode();
                    for (long seq : seqs) {
                        exchange.acknowledge(seq);
                        done.add(seq);
                    }
                    ObjectNode n = object();
                    n.set("acknowledged", done);
                    return n;
                }
            }, n -> "acknowledged " + n.get("acknowledged").size() + " item(s)");
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download what the secretariat passed on (SFTP /distributed/) that DIR does not hold yet; signed items are verified.")
    static final class Fetch implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = "distributed", description = "default ./${DEFAULT-VALUE}") Path dir;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                ClientConfig c = cli.config();
                try (ExchangeClient exchange = c.client(true, false, cli.progress())) {
                    ArrayNode files = JSON.createArrayNode();
                    for (Path p : exchange.downloadNew(dir)) {
                        files.add(p.toString());
                    }
                    ObjectNode n = object();
                    n.set("downloaded", files);
                    return n;
                }
            }, n -> {
                StringBuilder sb = new StringBuilder();
                n.get("downloaded").forEach(f -> sb.append(f.asText()).append('\n'));
                return sb.append(n.get("downloaded").size()).append(" new file(s) in ").append(dir).toString();
            });
        }
    }

    @Command(name = "verify-receipt", mixinStandardHelpOptions = true,
            description = "Verify a receipt (or a signed inbound-queue item) offline against the receipt certificate, and print it.")
    static final class VerifyReceipt implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Parameters(paramLabel = "FILE", description = "the signed receipt (.p7s, DER)") Path file;
        @Option(names = "--receipt-certificate", paramLabel = "PEM", description = "default: receiptCertificate from the configuration")
        Path certificate;
        @Option(names = "--document", paramLabel = "FILE", description = "also check that this file is the document the receipt names")
        Path document;
        @Option(names = "--tsa-certificate", paramLabel = "PEM", description = "also require an RFC 3161 timestamp on the receipt, by "
                + "a time-stamping authority whose certificate is this one or chains to it (repeat for several)")
        List<Path> tsaCertificates = new ArrayList<>();

        @Override
        public Integer call() {
            return cli.execute(() -> {
                java.security.cert.X509Certificate cert;
                if (certificate != null) {
                    try (var in = Files.newInputStream(certificate)) {
                        cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                                .generateCertificate(in);
                    }
                } else {
                    cert = cli.config().certificate("receiptCertificate");
                }
                byte[] cms = Files.readAllBytes(file);
                if (cms.length > ReceiptVerifier.MAX_CMS_BYTES) {
                    throw new VerificationException(VerificationException.Reason.TOO_LARGE, "the file is too large to be a receipt");
                }
                ObjectNode n = object();
                try {
                    VerifiedReceipt r = ExchangeClient.verifyReceipt(cms, cert);
                    n.put("kind", r.filing() != null ? "filing-receipt" : "message-receipt");
                    n.set("content", tree(r.filing() != null ? ReceiptJson.toBytes(r.filing()) : MessageReceiptJson.toBytes(r.message())));
                    if (document != null) {
                        checkDocument(r);
                    }
                    // the audit event that recorded it: what an auditor checks an audit export against (verify-audit --anchors)
                    org.treatyexchange.sdk.internal.Cms.anchorOf(cms)
                            .ifPresent(a -> n.putObject("auditAnchor").put("seq", a.seq()).put("hash", a.hash()));
                    checkTimestamp(cms, cert, n);
                } catch (VerificationException notAReceipt) {
                    if (notAReceipt.reason() != VerificationException.Reason.CONTENT || document != null) {
                        throw notAReceipt;
                    }
                    InboxItem item = ReceiptVerifier.verifyInboxItem(cms, cert);
                    n.put("kind", "inbox-item");
                    n.set("content", tree(InboxItemJson.toBytes(item)));
                }
                return n;
            }, n -> "Verification successful: " + n.get("kind").asText() + " signed by the exchange\n"
                    + (n.has("auditAnchor") ? "Audit anchor: event " + n.get("auditAnchor").get("seq").asLong() + ", hash "
                            + n.get("auditAnchor").get("hash").asText() + "\n" : "")
                    + (n.has("timestamp") ? "Timestamp: " + timestampText(n.get("timestamp")) + "\n" : "")
                    + n.get("content").toPrettyString());
        }

        /** With --tsa-certificate the timestamp must verify; without, the receipt's timestamp is only described. */
        private void checkTimestamp(byte[] cms, java.security.cert.X509Certificate receiptCert, ObjectNode n)
                throws IOException, GeneralSecurityException, VerificationException {
            ObjectNode t = n.putObject("timestamp");
            if (!tsaCertificates.isEmpty()) {
                List<java.security.cert.X509Certificate> trusted = new ArrayList<>();
                for (Path p : tsaCertificates) {
                    try (var in = Files.newInputStream(p)) {
                        trusted.add((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                                .generateCertificate(in));
                    }
                }
                ReceiptTimestamp ts = ReceiptVerifier.verifyTimestamp(cms, receiptCert, trusted);
                t.put("status", "verified").put("time", ts.time().toString()).put("authority", ts.authority())
                        .put("serialNumber", ts.serialNumber()).put("policy", ts.policy());
            } else if (ReceiptVerifier.timestampToken(cms).isPresent()) {
                t.put("status", "present-not-checked");
            } else if (ReceiptVerifier.timestampPendingSince(cms).isPresent()) {
                t.put("status", "pending").put("requestedAt", ReceiptVerifier.timestampPendingSince(cms).get().toString());
            } else {
                t.put("status", "none");
            }
        }

        private static String timestampText(com.fasterxml.jackson.databind.JsonNode t) {
            return switch (t.get("status").asText()) {
                case "verified" -> "verified, " + t.get("time").asText() + " by " + t.get("authority").asText();
                case "present-not-checked" -> "present, not checked (give --tsa-certificate)";
                case "pending" -> "not yet (asked for at " + t.get("requestedAt").asText()
                        + "; the exchange keeps asking: fetch the receipt again later)";
                default -> "none";
            };
        }

        private void checkDocument(VerifiedReceipt r) throws IOException, VerificationException {
            long size = Files.size(document);
            String sha = ExchangeClient.sha256(document);
            boolean match = r.filing() != null ? r.filing().sha256().equals(sha) && r.filing().size() == size
                    : r.message().documents().stream().anyMatch(d -> d.sha256().equals(sha) && d.size() == size);
            if (!match) {
                throw new VerificationException(VerificationException.Reason.CONTENT, "the receipt does not name this document");
            }
        }
    }

    @Command(name = "receipt-timestamp", mixinStandardHelpOptions = true,
            description = "Write out a receipt's RFC 3161 timestamp token (and the signature it covers) for openssl ts -verify. "
                    + "Offline; checks nothing itself: openssl ts -verify -in TOKEN -token_in -data SIGNATURE -CAfile TSA-CA.pem does.")
    static final class ReceiptTimestampCommand implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Option(names = "--receipt", paramLabel = "FILE", required = true, description = "the signed receipt (.p7s, DER)") Path receipt;
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "where to write the token (DER, e.g. token.tsr)") Path out;
        @Option(names = "--signature-out", paramLabel = "FILE", description = "also write the receipt's signature value, the data the "
                + "token covers (for openssl ts -verify -data)") Path signatureOut;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                byte[] cms = Files.readAllBytes(receipt);
                if (cms.length > ReceiptVerifier.MAX_CMS_BYTES) {
                    throw new VerificationException(VerificationException.Reason.TOO_LARGE, "the file is too large to be a receipt");
                }
                java.util.Optional<byte[]> token = ReceiptVerifier.timestampToken(cms);
                if (token.isEmpty()) {
                    java.util.Optional<java.time.Instant> pending = ReceiptVerifier.timestampPendingSince(cms);
                    throw new VerificationException(VerificationException.Reason.TIMESTAMP, pending.isPresent()
                            ? "the receipt has no timestamp yet (asked for at " + pending.get() + "); fetch the receipt again later"
                            : "the receipt has no timestamp");
                }
                writeAtomically(out, token.get());
                ObjectNode n = object();
                n.put("tokenFile", out.toString());
                n.put("signatureDigest", org.treatyexchange.sdk.internal.CmsTimestamps.signatureDigestHex(cms));
                if (signatureOut != null) {
                    writeAtomically(signatureOut, org.treatyexchange.sdk.internal.CmsTimestamps.signatureValue(cms));
                    n.put("signatureFile", signatureOut.toString());
                }
                return n;
            }, n -> "timestamp token written to " + n.get("tokenFile").asText()
                    + (n.has("signatureFile") ? "; the signature it covers to " + n.get("signatureFile").asText() : "")
                    + "\nit must cover the digest " + n.get("signatureDigest").asText()
                    + "\ncheck it: openssl ts -verify -in " + n.get("tokenFile").asText() + " -token_in -digest "
                    + n.get("signatureDigest").asText() + " -CAfile TSA-CA.pem");
        }
    }

    @Command(name = "host-key", mixinStandardHelpOptions = true,
            description = "Read the exchange's SSH host key (without logging in), write it for sftp.hostKeyFile and print its fingerprint: "
                    + "compare it with the one the secretariat publishes before you rely on it.")
    static final class HostKey implements Callable<Integer> {
        /** How OpenSSH's known_hosts names a host: bare on port 22, else {@code [host]:port}. */
        static String knownHostsName(String host, int port) {
            return port == 22 ? host : "[" + host + "]:" + port;
        }

        @ParentCommand ExchangeCli cli;
        @Option(names = "--host", required = true) String host;
        @Option(names = "--port", defaultValue = "22") int port;
        @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "where to write the key as a known_hosts line (for sftp.hostKeyFile, and for OpenSSH: -o UserKnownHostsFile=FILE)") Path out;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                String line = ExchangeClient.scanHostKey(host, port, java.time.Duration.ofSeconds(30));
                writeAtomically(out, (knownHostsName(host, port) + " " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                ObjectNode n = object();
                n.put("hostKeyFile", out.toString());
                n.put("fingerprint", ExchangeClient.fingerprint(line));
                return n;
            }, n -> "host key " + n.get("fingerprint").asText() + " written to " + n.get("hostKeyFile").asText()
                    + "\ncompare this fingerprint with the one the secretariat publishes (the server logs it at start)");
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Generate this system's SSH key and API key, certificate and certificate request; print the fingerprints "
                    + "the secretariat registers.")
    static final class Keygen implements Callable<Integer> {
        @ParentCommand ExchangeCli cli;
        @Option(names = "--account", required = true, description = "the account the keys are for, e.g. borealia-system") String account;
        @Option(names = "--organisation", required = true, description = "the certificate's O=, e.g. the State's code") String organisation;
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = "keys", description = "default ./${DEFAULT-VALUE}") Path dir;

        @Override
        public Integer call() {
            return cli.execute(() -> {
                KeyGenerator.GeneratedKeys k = KeyGenerator.generate(dir, account, organisation);
                ObjectNode n = object();
                n.put("sshPrivateKey", k.sshPrivateKey().toString());
                n.put("sshPublicKey", k.sshPublicKey().toString());
                n.put("sshFingerprint", k.sshFingerprint());
                n.put("apiPrivateKey", k.apiPrivateKey().toString());
                n.put("apiCertificate", k.apiCertificate().toString());
                n.put("apiCertificateRequest", k.apiCertificateRequest().toString());
                n.put("certificateFingerprint", k.certificateFingerprint());
                return n;
            }, n -> "SSH key (SFTP):        " + n.get("sshPrivateKey").asText() + ", public " + n.get("sshPublicKey").asText()
                    + "\n  fingerprint          " + n.get("sshFingerprint").asText()
                    + "\nAPI key (HTTPS):       " + n.get("apiPrivateKey").asText()
                    + "\n  certificate          " + n.get("apiCertificate").asText()
                    + "\n  certificate request  " + n.get("apiCertificateRequest").asText()
                    + "\n  fingerprint          " + n.get("certificateFingerprint").asText()
                    + "\nGive the .pub file and the certificate (or the request) to the secretariat; keep the private keys here.");
        }
    }
}
