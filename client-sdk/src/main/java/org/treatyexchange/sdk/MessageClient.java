package org.treatyexchange.sdk;

import org.treatyexchange.sdk.wire.InboxEntry;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.treatyexchange.sdk.wire.DocumentInfo;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.EnvelopeJson;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxListJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageType;

/**
 * The client a State's national system uses on the signed-message channel: HTTPS with mutual TLS
 * (TLS 1.3 or 1.2; the client presents {@link ClientKeys}; only the configured CA is trusted for the
 * server, host name checked), envelopes signed with the same keys, and every receipt and inbox item
 * verified against the server's receipt certificate before it is returned.
 *
 * <p>Endpoints (relative to the base URI):
 * <ul>
 * <li>{@code POST /api/v1/messages}, {@code multipart/form-data}: first part {@code name="envelope"
 * filename="envelope.p7s"} of type {@code application/pkcs7-mime} (the DER CMS SignedData of the
 * envelope), then one part per announced document, in envelope order, {@code name="document"
 * filename="<document name>"} (UTF-8; {@code "} written as {@code %22}) with the document's media type.
 * Answer 200 {@code application/pkcs7-mime}: the signed {@link MessageReceipt}.</li>
 * <li>{@code POST /api/v1/secretariat/messages}, body the signed envelope ({@code application/pkcs7-mime});
 * answer as above.</li>
 * <li>{@code GET /api/v1/inbox?after=<seq>&limit=<n>}: {@code {"entries":[{"seq","kind","id","title","createdAt"}]}}.</li>
 * <li>{@code GET /api/v1/inbox/<seq>}: 200 {@code application/pkcs7-mime}, the signed {@link InboxItem}.</li>
 * <li>{@code POST /api/v1/inbox/<seq>/ack}: 204.</li>
 * </ul>
 * Refusals are RFC 9457 {@code application/problem+json} with type
 * {@code urn:treaty-exchange:problem:<slug>} and become {@link ExchangeException}.
 *
 * <p>Documents are streamed from their files while the request is written, never held in memory;
 * their size and SHA-256 are those computed once when the envelope was built. Responses are read up to
 * {@value ReceiptVerifier#MAX_CMS_BYTES} bytes. Thread-safe; one instance serves many requests.
 */
public final class MessageClient {

    private static final String PKCS7 = "application/pkcs7-mime";
    private static final int MAX_RESPONSE_BYTES = ReceiptVerifier.MAX_CMS_BYTES;
    private static final int MAX_PROBLEM_BYTES = 64 * 1024;
    private static final int MAX_INBOX_LIMIT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(64 * 1024)
                    .maxNumberLength(20).build())
            .build());

    private final String base;
    private final ClientKeys keys;
    private final X509Certificate receiptCertificate;
    private final Duration requestTimeout;
    private final HttpClient http;

    private MessageClient(Builder b) throws GeneralSecurityException {
        String s = b.baseUri.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.keys = b.clientKeys;
        this.receiptCertificate = b.receiptCertificate;
        this.requestTimeout = b.requestTimeout;
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        this.http = HttpClient.newBuilder()
                .sslContext(sslContext(b.clientKeys, b.trustedServerCa))
                .sslParameters(parameters)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A builder; {@code baseUri}, {@code clientKeys}, {@code trustedServerCa} and {@code receiptCertificate} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Signs {@code envelope} and sends it with its documents; returns the server's receipt once it is
     * verified: signed by the receipt certificate, of kind {@code message}, naming this message id, this
     * State, the SHA-256 of the envelope bytes sent, this client's certificate fingerprint, and each
     * announced document with its size and SHA-256. Sending the same envelope again is safe: the
     * exchange answers a resend with the original receipt.
     *
     * @param documents the file of each announced document, by document name: exactly the envelope's names
     * @throws IllegalArgumentException when the envelope is a secretariat message or the files do not
     *                                  match the announced documents (checked before connecting)
     * @throws IOException              on a network failure, or when a file changed size since the envelope was built
     * @throws ExchangeException        when the exchange refuses the message
     * @throws VerificationException    when the answer is not a receipt for this message from the exchange
     */
    public MessageReceipt send(Envelope envelope, Map<String, Path> documents)
            throws IOException, InterruptedException, ExchangeException, VerificationException {
        return deliver(envelope, documents).receipt();
    }

    /**
     * As {@link #send}, and also returns the signed receipt bytes, to keep as proof.
     */
    public SentMessage deliver(Envelope envelope, Map<String, Path> documents)
            throws IOException, InterruptedException, ExchangeException, VerificationException {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(documents, "documents");
        if (envelope.type() == MessageType.SECRETARIAT_MESSAGE) {
            throw new IllegalArgumentException("a secretariat-message is sent with sendSecretariatMessage");
        }
        List<Path> files = filesInEnvelopeOrder(envelope.documents(), documents);
        byte[] json = EnvelopeJson.toBytes(envelope);
        byte[] signed = sign(json);
        MultipartBody body = new MultipartBody(signed, envelope.documents(), files);
        HttpRequest request = request("/api/v1/messages")
                .header("Content-Type", body.contentType())
                .header("Accept", PKCS7 + ", application/problem+json")
                .POST(body.publisher())
                .build();
        Response response = exchange(request, 200, PKCS7);
        MessageReceipt receipt = ReceiptVerifier.verifyMessageReceipt(response.body, receiptCertificate);
        checkReceipt(receipt, MessageReceipt.Kind.MESSAGE, envelope, json);
        if (!envelope.state().equals(receipt.state())) {
            throw new VerificationException(VerificationException.Reason.CONTENT, "the receipt names another State");
        }
        Set<String> sent = new HashSet<>();
        envelope.documents().forEach(d -> sent.add(d.name() + "\n" + d.size() + "\n" + d.sha256()));
        Set<String> received = new HashSet<>();
        receipt.documents().forEach(d -> received.add(d.name() + "\n" + d.size() + "\n" + d.sha256()));
        if (!sent.equals(received) || receipt.documents().size() != envelope.documents().size()) {
            throw new VerificationException(VerificationException.Reason.CONTENT, "the receipt does not list the documents sent");
        }
        return new SentMessage(receipt, response.body);
    }

    /**
     * For a secretariat account: signs a {@code secretariat-message} envelope and sends it (without
     * documents) to {@code POST /api/v1/secretariat/messages}; returns the verified receipt listing the
     * recipients.
     */
    public MessageReceipt sendSecretariatMessage(Envelope envelope)
            throws IOException, InterruptedException, ExchangeException, VerificationException {
        Objects.requireNonNull(envelope, "envelope");
        if (envelope.type() != MessageType.SECRETARIAT_MESSAGE) {
            throw new IllegalArgumentException("only a secretariat-message is sent with sendSecretariatMessage");
        }
        byte[] json = EnvelopeJson.toBytes(envelope);
        HttpRequest request = request("/api/v1/secretariat/messages")
                .header("Content-Type", PKCS7)
                .header("Accept", PKCS7 + ", application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sign(json)))
                .build();
        MessageReceipt receipt = receipt(request);
        checkReceipt(receipt, MessageReceipt.Kind.SECRETARIAT_MESSAGE, envelope, json);
        return receipt;
    }

    /**
     * Unacknowledged inbox entries with a sequence number greater than {@code after}, oldest first.
     *
     * @param after 0 for the start of the queue
     * @param limit 1 to 1000
     */
    public List<InboxEntry> inbox(long after, int limit) throws IOException, InterruptedException, ExchangeException {
        if (after < 0) {
            throw new IllegalArgumentException("after must not be negative");
        }
        if (limit < 1 || limit > MAX_INBOX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_INBOX_LIMIT);
        }
        HttpRequest request = request("/api/v1/inbox?after=" + after + "&limit=" + limit)
                .header("Accept", "application/json, application/problem+json").GET().build();
        Response r = exchange(request, 200, "application/json");
        try {
            List<InboxEntry> entries = InboxListJson.fromBytes(r.body);
            if (entries.size() > limit) {
                throw unexpected(r.status, "the inbox listing has more entries than asked for");
            }
            return entries;
        } catch (WireFormatException e) {
            throw unexpected(r.status, "the inbox listing is malformed: " + e.getMessage());
        }
    }

    /** The inbox item at {@code seq}, verified against the receipt certificate. */
    public InboxItem fetch(long seq) throws IOException, InterruptedException, ExchangeException, VerificationException {
        requireSeq(seq);
        HttpRequest request = request("/api/v1/inbox/" + seq)
                .header("Accept", PKCS7 + ", application/problem+json").GET().build();
        Response r = exchange(request, 200, PKCS7);
        return ReceiptVerifier.verifyInboxItem(r.body, receiptCertificate);
    }

    /** Marks the inbox item at {@code seq} read (idempotent). */
    public void acknowledge(long seq) throws IOException, InterruptedException, ExchangeException {
        requireSeq(seq);
        HttpRequest request = request("/api/v1/inbox/" + seq + "/ack")
                .header("Accept", "application/problem+json").POST(HttpRequest.BodyPublishers.noBody()).build();
        exchange(request, 204, null);
    }

    private static void requireSeq(long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
    }

    private static boolean text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual();
    }

    private byte[] sign(byte[] json) {
        try {
            return CmsSigner.sign(json, keys);
        } catch (GeneralSecurityException e) {
            // The key signed a challenge when it was loaded; failing now is a platform problem, not input.
            throw new IllegalStateException("the envelope could not be signed", e);
        }
    }

    private static List<Path> filesInEnvelopeOrder(List<DocumentInfo> announced, Map<String, Path> documents) throws IOException {
        if (!documents.keySet().equals(announced.stream().map(DocumentInfo::name).collect(java.util.stream.Collectors.toSet()))) {
            throw new IllegalArgumentException("the files must be exactly the documents the envelope announces, by name");
        }
        List<Path> files = new ArrayList<>();
        for (DocumentInfo d : announced) {
            Path file = Objects.requireNonNull(documents.get(d.name()), "file");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("document '" + d.name() + "' is not a regular file");
            }
            if (Files.size(file) != d.size()) {
                throw new IllegalArgumentException("document '" + d.name() + "' changed size since the envelope was built");
            }
            files.add(file);
        }
        return files;
    }

    private void checkReceipt(MessageReceipt receipt, MessageReceipt.Kind kind, Envelope envelope, byte[] json)
            throws VerificationException {
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        if (receipt.kind() != kind || !receipt.messageId().equals(envelope.messageId())) {
            throw new VerificationException(VerificationException.Reason.CONTENT, "the receipt is not for this message");
        }
        if (!receipt.envelopeSha256().equals(sha256)) {
            throw new VerificationException(VerificationException.Reason.CONTENT, "the receipt names another envelope");
        }
        if (!receipt.signerFingerprint().equals(keys.fingerprint())) {
            throw new VerificationException(VerificationException.Reason.CONTENT, "the receipt names another signer");
        }
    }

    private MessageReceipt receipt(HttpRequest request)
            throws IOException, InterruptedException, ExchangeException, VerificationException {
        Response r = exchange(request, 200, PKCS7);
        return ReceiptVerifier.verifyMessageReceipt(r.body, receiptCertificate);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout);
    }

    private record Response(int status, byte[] body) {
    }

    /** Sends, reads a bounded body, and maps anything but {@code expectedStatus} to an {@link ExchangeException}. */
    private Response exchange(HttpRequest request, int expectedStatus, String expectedType)
            throws IOException, InterruptedException, ExchangeException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            // say where we tried: "Connection refused" alone does not tell a wrong port from a stopped server
            java.net.ConnectException named = new java.net.ConnectException("cannot connect to the exchange's HTTPS API at "
                    + request.uri().getHost() + ":" + request.uri().getPort() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            named.initCause(e);
            throw named;
        }
        String type = response.headers().firstValue("Content-Type").orElse("")
                .split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        }
        int status = response.statusCode();
        if (status == expectedStatus) {
            if (body.length > MAX_RESPONSE_BYTES) {
                throw unexpected(status, "the response exceeds " + MAX_RESPONSE_BYTES + " bytes");
            }
            if (expectedType != null && !expectedType.equals(type)) {
                throw unexpected(status, "the response is not " + expectedType);
            }
            return new Response(status, body);
        }
        if ("application/problem+json".equals(type) && body.length <= MAX_PROBLEM_BYTES) {
            throw problem(status, body, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        throw unexpected(status, "the exchange answered HTTP " + status);
    }

    /** {@code Retry-After} as delay-seconds (what the exchange sends); an HTTP date or anything else counts as absent. */
    static Duration retryAfter(String header) {
        if (header == null || !header.trim().matches("[0-9]{1,6}")) {
            return null;
        }
        return Duration.ofSeconds(Long.parseLong(header.trim()));
    }

    private static ExchangeException problem(int status, byte[] body, Duration retryAfter) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject()) {
                String type = n.path("type").isTextual() ? n.get("type").textValue() : "about:blank";
                String slug = type.startsWith(ExchangeException.PROBLEM_PREFIX)
                        ? type.substring(ExchangeException.PROBLEM_PREFIX.length()) : type;
                String detail = n.path("detail").isTextual() ? n.get("detail").textValue() : "";
                return new ExchangeException(status, safe(slug, 200), safe(detail, 1000), retryAfter);
            }
        } catch (IOException e) {
            // fall through
        }
        return unexpected(status, "the problem document is not valid JSON");
    }

    private static String safe(String s, int max) {
        String printable = s.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > max ? printable.substring(0, max) : printable;
    }

    private static ExchangeException unexpected(int status, String detail) {
        return new ExchangeException(status, ExchangeException.UNEXPECTED_RESPONSE, detail);
    }

    private static SSLContext sslContext(ClientKeys keys, X509Certificate ca) throws GeneralSecurityException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        char[] password = HexFormat.of().formatHex(random).toCharArray();
        KeyStore identity = KeyStore.getInstance("PKCS12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try {
            identity.load(null, null);
            trust.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("in-memory key store could not be created", e);
        }
        identity.setKeyEntry("client", keys.privateKey(), password, keys.chain().toArray(new Certificate[0]));
        trust.setCertificateEntry("exchange-ca", ca);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    /**
     * Configures a {@link MessageClient}. Setters check their argument at once; {@link #build()} checks
     * that the required values are set. Defaults: connect timeout 10 s, request timeout 10 min (it covers
     * the upload of the documents).
     */
    public static final class Builder {
        private URI baseUri;
        private ClientKeys clientKeys;
        private X509Certificate trustedServerCa;
        private X509Certificate receiptCertificate;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(10);

        private Builder() {
        }

        /** The exchange's address, e.g. {@code https://exchange.example.org:8443}; must be absolute https without query. */
        public Builder baseUri(URI baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            if (!"https".equalsIgnoreCase(baseUri.getScheme()) || baseUri.getHost() == null
                    || baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUri must be an absolute https URI with a host and no query or fragment");
            }
            this.baseUri = baseUri;
            return this;
        }

        /** The State system's identity: signs envelopes and authenticates the TLS connection. */
        public Builder clientKeys(ClientKeys clientKeys) {
            this.clientKeys = Objects.requireNonNull(clientKeys, "clientKeys");
            return this;
        }

        /** The only CA trusted for the exchange's TLS certificate (the system trust store is not used). */
        public Builder trustedServerCa(X509Certificate trustedServerCa) {
            this.trustedServerCa = Objects.requireNonNull(trustedServerCa, "trustedServerCa");
            return this;
        }

        /** The exchange's published receipt certificate: receipts and inbox items must be signed by it. */
        public Builder receiptCertificate(X509Certificate receiptCertificate) {
            this.receiptCertificate = Objects.requireNonNull(receiptCertificate, "receiptCertificate");
            return this;
        }

        /** Positive. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Positive; time allowed from sending a request to the response headers, uploads included. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }

        /**
         * @throws IllegalStateException    when a required value is missing
         * @throws GeneralSecurityException when the TLS context cannot be made from the keys
         */
        public MessageClient build() throws GeneralSecurityException {
            if (baseUri == null) {
                throw new IllegalStateException("baseUri is required");
            }
            if (clientKeys == null) {
                throw new IllegalStateException("clientKeys is required");
            }
            if (trustedServerCa == null) {
                throw new IllegalStateException("trustedServerCa is required");
            }
            if (receiptCertificate == null) {
                throw new IllegalStateException("receiptCertificate is required");
            }
            return new MessageClient(this);
        }
    }
}
