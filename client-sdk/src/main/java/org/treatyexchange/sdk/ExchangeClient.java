package org.treatyexchange.sdk;

import org.treatyexchange.sdk.wire.InboxEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.Manifest;
import org.treatyexchange.sdk.wire.ManifestJson;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.sdk.wire.WireFormatException;

/**
 * Everything a national system does with the exchange, behind one object:
 * <ul>
 * <li>{@link #submit}: file a document through the SFTP drop box (with its manifest), wait for its
 * signed receipt and verify it;</li>
 * <li>{@link #send}: send a signed message with documents over mutual-TLS HTTPS ({@link MessageClient});</li>
 * <li>{@link #inbox}, {@link #fetch}, {@link #acknowledge}: read and acknowledge the inbound queue;</li>
 * <li>{@link #distributed}, {@link #download}, {@link #downloadNew}: fetch what the secretariat passed on;</li>
 * <li>{@link #verifyReceipt}: check any receipt offline against the exchange's receipt certificate.</li>
 * </ul>
 * Either channel may be left unconfigured; calling an operation of a missing channel throws
 * {@link IllegalStateException}.
 *
 * <p><b>Reliability.</b> Network faults are retried as {@link RetryPolicy} says. Nothing is filed twice:
 * a message is resent with the very same signed envelope (same message id and bytes: the exchange
 * answers with the original receipt), and every upload carries, in its manifest, a submission id drawn
 * once per {@link #submit} call (or the request's own, {@link FilingRequest#withSubmissionId}) and reused
 * by every retry: the exchange files a document only once under it and answers a repeat as already filed,
 * even when the first try's CLOSE is still being committed while the retry uploads. A document whose
 * upload broke is first looked for among the receipts that appeared since the first try and only
 * uploaded again when it is not there. The exchange keeps nothing of an upload that did not end with the
 * client's CLOSE, so uploading again from the start is a clean restart, never a partial filing. Before
 * the first try, a document that already is the current filing under its name, with the same SHA-256,
 * is not uploaded again (a rerun of a cron job files nothing twice) unless the request says
 * {@link FilingRequest#asNewVersion()}.
 *
 * <p><b>Trust.</b> The SFTP server must present a pinned host key ({@link Builder#sftpHostKey}); the HTTPS
 * server a certificate from the configured CA; every receipt and queue item must be signed by the receipt
 * certificate. Nothing from the user's {@code ~/.ssh} is read.
 *
 * <p>Thread-safe: each operation opens its own SFTP session; HTTPS connections are pooled. Close it to
 * stop the SSH client's threads.
 *
 * <pre>{@code
 * try (ExchangeClient exchange = ExchangeClient.builder()
 *         .account("borealia-system")
 *         .sftp("exchange.example.org", 2222, SshIdentity.load(Path.of("keys/borealia-system")))
 *         .sftpHostKey("SHA256:…")
 *         .receiptCertificate(receiptCertificate)
 *         .build()) {
 *     FilingResult r = exchange.submit(FilingRequest.of(Path.of("annual-2025.pdf"), "annual-report",
 *             ConfidentialityLevel.STATES_PARTIES).withPeriod("2025"));
 *     System.out.println(r.receipt().filingId());
 * }
 * }</pre>
 */
public final class ExchangeClient implements AutoCloseable {

    private static final String RECEIPTS = "/receipts";
    private static final String DISTRIBUTED = "/distributed";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final Pattern SAFE_REMOTE_NAME = Pattern.compile("[^/\\\\\\p{Cntrl}]{1,255}");

    private final String account;
    private final String sftpHost;
    private final int sftpPort;
    private final SshIdentity sshIdentity;
    private final SshClient ssh;
    private final MessageClient messages;
    private final X509Certificate receiptCertificate;
    private final RetryPolicy retry;
    private final ProgressListener progress;
    private final Duration timeout;

    private ExchangeClient(Builder b, MessageClient messages) {
        this.account = b.account;
        this.sftpHost = b.sftpHost;
        this.sftpPort = b.sftpPort;
        this.sshIdentity = b.sshIdentity;
        this.messages = messages;
        this.receiptCertificate = b.receiptCertificate;
        this.retry = b.retry;
        this.progress = b.progress;
        this.timeout = b.timeout;
        if (sshIdentity == null) {
            this.ssh = null;
        } else {
            SshClient client = SshClient.setUpDefaultClient();
            // Chosen explicitly: MINA would switch to another I/O back-end by itself if one appeared on the classpath.
            client.setIoServiceFactoryFactory(new Nio2ServiceFactoryFactory());
            Set<String> pins = Set.copyOf(b.hostKeyFingerprints);
            client.setServerKeyVerifier((session, address, key) -> pins.contains(KeyUtils.getFingerPrint(BuiltinDigests.sha256, key)));
            client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER); // only the configured key, never ~/.ssh
            client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            // SFTP is request and reply: with Nagle's algorithm (MINA's default) a small request can wait for the server's delayed ACK
            org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(client, true);
            client.start();
            this.ssh = client;
        }
    }

    /** A builder; {@code account} and {@code receiptCertificate} are required, and at least one channel. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- SFTP: filing ----------------------------------------------------------------------------

    /**
     * Files a document through the SFTP drop box and returns its verified receipt. See the class
     * comment for what happens on a network fault and when the same document is already filed.
     *
     * @throws IllegalArgumentException when the file is not a regular file, or the level is named without States
     * @throws IOException              when the exchange could not be reached within the retry policy
     * @throws ExchangeException        when the exchange refused the document or its manifest
     *                                  ({@link ExchangeException#status()} is the SFTP status code and
     *                                  {@link ExchangeException#problemType()} starts with {@code sftp-}), or when
     *                                  the exchange offers no such report type ({@code unknown-report-type}, before
     *                                  anything is sent)
     * @throws VerificationException    when a receipt is not signed by the receipt certificate
     */
    public FilingResult submit(FilingRequest request)
            throws IOException, InterruptedException, ExchangeException, VerificationException {
        Objects.requireNonNull(request, "request");
        requireSftp();
        if (!request.fileIsRegular()) {
            throw new IllegalArgumentException("the document is not a regular file");
        }
        // one submission id for every try of this call: the exchange files a document only once under it
        Manifest manifest = request.manifest(randomSubmissionId()); // a named level without States fails here, before connecting
        String sha256 = sha256(request.file());
        String folder = request.folder();
        Set<String> before = null; // the receipts that existed before our first try
        for (int attempt = 1; ; attempt++) {
            try (DropBox box = openDropBox()) {
                if (before == null) {
                    requireReportType(box, request.reportType());
                    before = new HashSet<>(receiptNames(box));
                    if (!request.newVersion()) {
                        Optional<Signed> current = currentIdentical(box, request, sha256);
                        if (current.isPresent()) {
                            return new FilingResult(current.get().receipt, current.get().cms, true, attempt);
                        }
                    }
                } else {
                    // the previous try may have filed it: its CLOSE can reach the exchange even when the answer is lost
                    Optional<Signed> mine = newReceiptFor(box, before, request, sha256);
                    if (mine.isPresent()) {
                        return new FilingResult(mine.get().receipt, mine.get().cms, false, attempt);
                    }
                }
                box.write(folder + "/" + request.name() + Manifest.SUFFIX, ManifestJson.toBytes(manifest));
                box.upload(folder + "/" + request.name(), request.file(), request.name(), progress);
                Optional<Signed> mine = newReceiptFor(box, before, request, sha256);
                if (mine.isPresent()) {
                    return new FilingResult(mine.get().receipt, mine.get().cms, false, attempt);
                }
                // No new receipt: the exchange answered as for a submission id already used for this very
                // document before this call (a caller's own id, on a rerun): its receipt is the older one.
                Optional<Signed> earlier = newestReceiptFor(box, request, sha256);
                if (earlier.isEmpty()) {
                    throw new ExchangeException(0, ExchangeException.UNEXPECTED_RESPONSE,
                            "the exchange accepted the upload but no receipt for this document appeared "
                                    + "(did the file change while it was sent?)");
                }
                return new FilingResult(earlier.get().receipt, earlier.get().cms, true, attempt);
            } catch (SftpException e) {
                if (!RetryPolicy.retryable(e)) {
                    throw refused(e);
                }
                pause(attempt, e);
            } catch (IOException e) {
                pause(attempt, e);
            }
        }
    }

    /**
     * A report type the exchange does not offer would otherwise surface as the drop folder's "no such
     * file"; say what is wrong instead, and which report types there are.
     */
    private static void requireReportType(DropBox box, String reportType) throws IOException, ExchangeException {
        List<String> offered = box.folders("/submit");
        if (!offered.isEmpty() && !offered.contains(reportType)) {
            throw new ExchangeException(0, "unknown-report-type", "the exchange has no report type '" + reportType
                    + "'; it offers " + String.join(", ", offered));
        }
    }

    /** 128 random bits, base64url: within the manifest's submission-id rule and never drawn twice in practice. */
    private static String randomSubmissionId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** A receipt with the signed bytes it came in. */
    private record Signed(Receipt receipt, byte[] cms) {
    }

    private static List<String> receiptNames(DropBox box) throws IOException {
        List<String> names = new ArrayList<>();
        for (RemoteFile f : box.list(RECEIPTS)) {
            if (f.name().endsWith(".p7s")) {
                names.add(f.name());
            }
        }
        return names;
    }

    private Signed readReceipt(DropBox box, String name) throws IOException, VerificationException {
        byte[] cms = box.read(RECEIPTS + "/" + name, ReceiptVerifier.MAX_CMS_BYTES);
        return new Signed(ReceiptVerifier.verifyFilingReceipt(cms, receiptCertificate), cms);
    }

    private boolean isFor(Receipt r, FilingRequest request) {
        return r.fileName().equals(request.name()) && r.reportType().equals(request.reportType()) && r.channel().equals("sftp");
    }

    /** Whether a receipt is of this account's upload of this document. */
    private boolean isMine(Receipt r, FilingRequest request, String sha256) {
        return isFor(r, request) && r.sha256().equals(sha256) && r.account().equals(account);
    }

    /** The receipt, among those that are new since {@code before}, of this account's upload of this document. */
    private Optional<Signed> newReceiptFor(DropBox box, Set<String> before, FilingRequest request, String sha256)
            throws IOException, VerificationException {
        for (String name : receiptNames(box)) {
            if (before.contains(name)) {
                continue;
            }
            Signed s = readReceipt(box, name);
            if (isMine(s.receipt, request, sha256)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The newest receipt of this account's upload of this document, whenever it was filed. */
    private Optional<Signed> newestReceiptFor(DropBox box, FilingRequest request, String sha256)
            throws IOException, VerificationException {
        List<String> newestFirst = receiptNames(box);
        newestFirst.sort(Comparator.reverseOrder()); // filing ids start with the UTC time of receipt
        for (String name : newestFirst) {
            Signed s = readReceipt(box, name);
            if (isMine(s.receipt, request, sha256)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The current filing under the request's name in its folder, when it is this very document. The
     * folder lists the current filing of each name; its receipt is the newest receipt for that name.
     */
    private Optional<Signed> currentIdentical(DropBox box, FilingRequest request, String sha256)
            throws IOException, VerificationException {
        if (request.level() == null) {
            return Optional.empty(); // the level is the exchange's to decide: no folder to look in (the submission id still holds)
        }
        long size = Files.size(request.file());
        boolean listed = box.list(request.folder()).stream().anyMatch(f -> f.name().equals(request.name()) && f.size() == size);
        if (!listed) {
            return Optional.empty();
        }
        List<String> newestFirst = receiptNames(box);
        newestFirst.sort(Comparator.reverseOrder()); // filing ids start with the UTC time of receipt
        for (String name : newestFirst) {
            Signed s = readReceipt(box, name);
            if (isFor(s.receipt, request) && s.receipt.level() == request.level()) {
                return s.receipt.sha256().equals(sha256) ? Optional.of(s) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    // ---- SFTP: what was passed on ------------------------------------------------------------------

    /** What {@code /distributed/} holds for this account's State, in the exchange's order. */
    public List<RemoteFile> distributed() throws IOException, InterruptedException {
        requireSftp();
        return withRetry(() -> {
            try (DropBox box = openDropBox()) {
                return box.list(DISTRIBUTED);
            }
        });
    }

    /**
     * Downloads one file of {@code /distributed/} into {@code directory}, under its own name. It is
     * written to a temporary file first and moved into place only when complete; a signed queue item
     * ({@code .p7s}) is moved only when its signature verifies. An interrupted download is started again.
     *
     * @return the downloaded file
     * @throws VerificationException when a signed item does not verify (nothing is kept)
     */
    public Path download(RemoteFile file, Path directory) throws IOException, InterruptedException, VerificationException {
        Objects.requireNonNull(file, "file");
        requireSftp();
        if (!SAFE_REMOTE_NAME.matcher(file.name()).matches() || file.name().equals(".") || file.name().equals("..")) {
            throw new IOException("the exchange listed a file name that cannot be written safely");
        }
        Path target = directory.resolve(file.name());
        Path part = directory.resolve(file.name() + ".part");
        try {
            withRetry(() -> {
                try (DropBox box = openDropBox(); OutputStream out = Files.newOutputStream(part)) {
                    box.download(DISTRIBUTED + "/" + file.name(), out, file.name(), file.size(), progress);
                }
                return null;
            });
            if (file.isSigned()) {
                byte[] cms = Files.readAllBytes(part);
                ReceiptVerifier.verifyInboxItem(cms, receiptCertificate);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Downloads every file of {@code /distributed/} that {@code directory} does not hold yet (same name
     * and size); returns the files downloaded now. Meant for a scheduled job: a rerun fetches only what is new.
     */
    public List<Path> downloadNew(Path directory) throws IOException, InterruptedException, VerificationException {
        List<RemoteFile> listed = distributed(); // before touching the disk: nothing is created when the exchange cannot be reached
        Files.createDirectories(directory);
        List<Path> out = new ArrayList<>();
        for (RemoteFile f : listed) {
            Path local = directory.resolve(f.name());
            if (Files.isRegularFile(local) && Files.size(local) == f.size()) {
                continue;
            }
            out.add(download(f, directory));
        }
        return out;
    }

    // ---- HTTPS: signed messages and the inbound queue -----------------------------------------------

    /**
     * Signs and sends a message with its documents ({@link MessageClient#send}), retrying network faults
     * with the same signed envelope, so a resend can never file twice.
     */
    public SentMessage send(Envelope envelope, Map<String, Path> documents)
            throws IOException, InterruptedException, ExchangeException, VerificationException {
        requireApi();
        return withApiRetry(() -> messages.deliver(envelope, documents));
    }

    /** Unacknowledged inbound-queue entries after {@code after} (0: from the start), at most {@code limit}. */
    public List<InboxEntry> inbox(long after, int limit) throws IOException, InterruptedException, ExchangeException {
        requireApi();
        try {
            return withApiRetry(() -> messages.inbox(after, limit));
        } catch (VerificationException e) {
            throw new IllegalStateException("listing the inbox verifies nothing", e);
        }
    }

    /** The inbound-queue item at {@code seq}, verified against the receipt certificate. */
    public InboxItem fetch(long seq) throws IOException, InterruptedException, ExchangeException, VerificationException {
        requireApi();
        return withApiRetry(() -> messages.fetch(seq));
    }

    /** Acknowledges the item at {@code seq}; idempotent, so safe to retry. */
    public void acknowledge(long seq) throws IOException, InterruptedException, ExchangeException {
        requireApi();
        try {
            withApiRetry(() -> {
                messages.acknowledge(seq);
                return null;
            });
        } catch (VerificationException e) {
            throw new IllegalStateException("acknowledging verifies nothing", e);
        }
    }

    // ---- offline ---------------------------------------------------------------------------------

    /** Verifies a receipt of either kind against this client's receipt certificate. */
    public VerifiedReceipt verifyReceipt(byte[] cms) throws VerificationException {
        return verifyReceipt(cms, receiptCertificate);
    }

    /**
     * Verifies a receipt of either kind offline: a filing receipt (SFTP) or a message receipt (HTTPS),
     * signed by {@code receiptCertificate}.
     *
     * @throws VerificationException when the signature does not verify or the content is neither receipt
     */
    public static VerifiedReceipt verifyReceipt(byte[] cms, X509Certificate receiptCertificate) throws VerificationException {
        byte[] content = ReceiptVerifier.verify(cms, receiptCertificate);
        try {
            return new VerifiedReceipt(ReceiptJson.fromBytes(content), null);
        } catch (WireFormatException notAFilingReceipt) {
            try {
                return new VerifiedReceipt(null, MessageReceiptJson.fromBytes(content));
            } catch (WireFormatException e) {
                throw new VerificationException(VerificationException.Reason.CONTENT, "signed by the exchange, but not a receipt");
            }
        }
    }

    /**
     * The host key an SSH server presents, as an OpenSSH public-key line ({@code <type> <base64>}), read
     * without logging in. Trust on first use: compare its fingerprint with the one the secretariat
     * publishes before pinning it ({@link Builder#sftpHostKeyFile}).
     */
    public static String scanHostKey(String host, int port, Duration timeout) throws IOException {
        SshClient client = SshClient.setUpDefaultClient();
        client.setIoServiceFactoryFactory(new Nio2ServiceFactoryFactory());
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        java.util.concurrent.atomic.AtomicReference<PublicKey> seen = new java.util.concurrent.atomic.AtomicReference<>();
        client.setServerKeyVerifier((session, address, key) -> {
            seen.set(key);
            return true; // only looked at: this session never authenticates
        });
        client.start();
        try (org.apache.sshd.client.session.ClientSession session = client.connect("host-key-scan", host, port).verify(timeout).getSession()) {
            session.waitFor(List.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.WAIT_AUTH,
                    org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED), timeout);
        } finally {
            client.stop();
        }
        if (seen.get() == null) {
            throw new IOException("the SSH server presented no host key");
        }
        return PublicKeyEntry.toString(seen.get());
    }

    /** {@code SHA256:<base64>} of an OpenSSH public-key line. */
    public static String fingerprint(String publicKeyLine) throws GeneralSecurityException, IOException {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, PublicKeyEntry.parsePublicKeyEntry(publicKeyLine).resolvePublicKey(null, Map.of(), null));
    }

    /** The first certificate in a PEM file, e.g. the exchange's published receipt certificate or CA certificate. */
    public static X509Certificate certificate(Path pemFile) throws IOException, GeneralSecurityException {
        return org.treatyexchange.sdk.internal.Pem.certificates(Files.readAllBytes(pemFile)).get(0);
    }

    /** Lower-case hex SHA-256 of a file's content, as receipts and envelopes name documents. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    // ---- plumbing --------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Io<T> {
        T run() throws IOException, InterruptedException, VerificationException;
    }

    @FunctionalInterface
    private interface ApiCall<T> {
        T run() throws IOException, InterruptedException, ExchangeException, VerificationException;
    }

    private <T> T withRetry(Io<T> call) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (SftpException e) {
                if (!RetryPolicy.retryable(e)) {
                    throw e;
                }
                pause(attempt, e);
            } catch (IOException e) {
                pause(attempt, e);
            } catch (VerificationException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    private <T> T withApiRetry(ApiCall<T> call) throws IOException, InterruptedException, ExchangeException, VerificationException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (ExchangeException e) {
                if (!RetryPolicy.retryable(e) || attempt >= retry.attempts()) {
                    throw e;
                }
                sleep(attempt, e);
            } catch (IOException e) {
                pause(attempt, e);
            }
        }
    }

    /** Waits before the next try, or rethrows when the tries are used up. */
    private <E extends Exception> void pause(int attempt, E failure) throws E, InterruptedException {
        if (attempt >= retry.attempts()) {
            throw failure;
        }
        sleep(attempt, failure);
    }

    private void sleep(int attempt, Exception failure) throws InterruptedException {
        Thread.sleep(retry.waitAfter(attempt, failure, ThreadLocalRandom.current().nextDouble()).toMillis());
    }

    private DropBox openDropBox() throws IOException {
        return DropBox.open(ssh, sftpHost, sftpPort, account, sshIdentity, timeout);
    }

    private static ExchangeException refused(SftpException e) {
        String name = SftpConstants.getStatusName(e.getStatus()).replaceFirst("^SSH_FX_", "").toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-');
        String detail = e.getMessage() == null ? "" : e.getMessage();
        return new ExchangeException(e.getStatus(), "sftp-" + name, detail);
    }

    private void requireSftp() {
        if (ssh == null) {
            throw new IllegalStateException("the SFTP channel is not configured (builder.sftp)");
        }
    }

    private void requireApi() {
        if (messages == null) {
            throw new IllegalStateException("the HTTPS channel is not configured (builder.api)");
        }
    }

    /** Stops the SSH client's threads; HTTPS connections close when idle. */
    @Override
    public void close() {
        if (ssh != null) {
            ssh.stop();
        }
    }

    /**
     * Configures an {@link ExchangeClient}. Setters check their argument at once; {@link #build()} checks
     * that what is required is there. Defaults: retry {@link RetryPolicy#DEFAULT}, no progress, 30 s to
     * connect and authenticate.
     */
    public static final class Builder {
        private static final Pattern ACCOUNT = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
        private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

        private String account;
        private String sftpHost;
        private int sftpPort;
        private SshIdentity sshIdentity;
        private final Set<String> hostKeyFingerprints = new LinkedHashSet<>();
        private URI apiUri;
        private ClientKeys clientKeys;
        private X509Certificate trustedServerCa;
        private X509Certificate receiptCertificate;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private ProgressListener progress = ProgressListener.NONE;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The account this system logs in as (SFTP) and whose receipts it expects. */
        public Builder account(String account) {
            if (account == null || !ACCOUNT.matcher(account).matches()) {
                throw new IllegalArgumentException("account must match [a-z][a-z0-9._-]{0,31}");
            }
            this.account = account;
            return this;
        }

        /** The SFTP drop box: host, port and the account's SSH key. */
        public Builder sftp(String host, int port, SshIdentity identity) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host is required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535");
            }
            this.sftpHost = host;
            this.sftpPort = port;
            this.sshIdentity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * Pins a host key of the SFTP server by its {@code SHA256:…} fingerprint (the server logs them at
         * start); call once per host key. A server presenting any other key is refused: there is no
         * "accept any host key" switch, as that would let anyone on the path collect the filings.
         */
        public Builder sftpHostKey(String fingerprint) {
            if (fingerprint == null || !FINGERPRINT.matcher(fingerprint.strip()).matches()) {
                throw new IllegalArgumentException("a host key fingerprint looks like SHA256: followed by 43 base64 characters");
            }
            hostKeyFingerprints.add(fingerprint.strip());
            return this;
        }

        /**
         * Pins the host keys in a file of OpenSSH public keys: {@code .pub} lines ({@code <type> <base64>
         * [comment]}) or {@code known_hosts} lines ({@code <hosts> <type> <base64>}, as {@code ssh-keyscan}
         * prints them). Every key in the file is pinned; lines starting with {@code #} are skipped.
         */
        public Builder sftpHostKeyFile(Path file) throws IOException, GeneralSecurityException {
            int found = 0;
            for (String line : Files.readAllLines(file)) {
                String[] t = line.strip().split("\\s+");
                if (t.length < 2 || t[0].startsWith("#")) {
                    continue;
                }
                int type = t[0].startsWith("ssh-") || t[0].startsWith("ecdsa-") ? 0 : 1;
                if (t.length < type + 2) {
                    continue;
                }
                PublicKey key;
                try {
                    key = PublicKeyEntry.parsePublicKeyEntry(t[type] + " " + t[type + 1]).resolvePublicKey(null, Map.of(), null);
                } catch (RuntimeException e) {
                    throw new GeneralSecurityException("the host key file has a line that is not an OpenSSH public key");
                }
                if (key == null) {
                    throw new GeneralSecurityException("the host key file has a line that is not an OpenSSH public key");
                }
                hostKeyFingerprints.add(KeyUtils.getFingerPrint(BuiltinDigests.sha256, key));
                found++;
            }
            if (found == 0) {
                throw new GeneralSecurityException("the host key file holds no OpenSSH public key");
            }
            return this;
        }

        /** The signed-message channel: base URI, the system's keys, and the only CA trusted for the server. */
        public Builder api(URI baseUri, ClientKeys keys, X509Certificate trustedServerCa) {
            this.apiUri = Objects.requireNonNull(baseUri, "baseUri");
            this.clientKeys = Objects.requireNonNull(keys, "keys");
            this.trustedServerCa = Objects.requireNonNull(trustedServerCa, "trustedServerCa");
            return this;
        }

        /** The exchange's published receipt certificate: receipts and queue items must be signed by it. */
        public Builder receiptCertificate(X509Certificate receiptCertificate) {
            this.receiptCertificate = Objects.requireNonNull(receiptCertificate, "receiptCertificate");
            return this;
        }

        /** How network faults are retried. */
        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Told how uploads and downloads advance. */
        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Positive: time to connect and authenticate (SFTP), and to connect (HTTPS). */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @throws IllegalStateException    when something required is missing
         * @throws GeneralSecurityException when the TLS context cannot be made from the keys
         */
        public ExchangeClient build() throws GeneralSecurityException {
            if (account == null) {
                throw new IllegalStateException("account is required");
            }
            if (receiptCertificate == null) {
                throw new IllegalStateException("receiptCertificate is required");
            }
            if (sshIdentity == null && apiUri == null) {
                throw new IllegalStateException("configure at least one channel: sftp(...) or api(...)");
            }
            if (sshIdentity != null && hostKeyFingerprints.isEmpty()) {
                throw new IllegalStateException("pin the SFTP server's host key: sftpHostKey(...) or sftpHostKeyFile(...)");
            }
            MessageClient messages = apiUri == null ? null : MessageClient.builder()
                    .baseUri(apiUri)
                    .clientKeys(clientKeys)
                    .trustedServerCa(trustedServerCa)
                    .receiptCertificate(receiptCertificate)
                    .connectTimeout(timeout)
                    .build();
            return new ExchangeClient(this, messages);
        }
    }
}
