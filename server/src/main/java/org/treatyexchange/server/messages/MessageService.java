package org.treatyexchange.server.messages;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.DocumentInfo;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.EnvelopeJson;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxItemJson;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.crypto.DocumentVault;
import org.treatyexchange.server.crypto.EnvelopeVerifier;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.SignatureCheckException;
import org.treatyexchange.server.crypto.VerifiedEnvelope;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.FilingRules;
import org.treatyexchange.server.application.MessageIntake;
import org.treatyexchange.server.application.MessageIntake.DocumentSink;
import org.treatyexchange.server.application.MessageIntake.ExpectedDocument;
import org.treatyexchange.server.application.Names;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.filing.Submission;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.AttachmentRecords;
import org.treatyexchange.server.store.InboxRecords;
import org.treatyexchange.server.store.InstructionRecords;
import org.treatyexchange.server.store.MessageRecords.MessageRecord;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Tx;
import org.treatyexchange.server.store.blob.BlobStore;
import org.treatyexchange.server.timestamp.ReceiptTimestamps;

/**
 * The signed-message channel's rules: who may send what, when a message is new, a resend or a
 * conflicting reuse of an id, how its documents become filings, and each State's inbound queue.
 * Transport-free: the HTTPS edge and the admin CLI both come here.
 */
public final class MessageService {

    static final String SECRETARIAT = "secretariat";

    private static final Logger LOG = LoggerFactory.getLogger(MessageService.class);

    private final MessageSettings settings;
    private final ReceiptTimestamps timestamps;
    private final FilingRules rules;
    private final RegistryService registry;
    private final FilingService filings;
    private final DocumentVault vault;
    private final BlobStore blobs;
    private final ReceiptSigner signer;
    private final AuditLog audit;
    private final Store store;
    private final Clock clock;

    public MessageService(MessageSettings settings, FilingRules rules, RegistryService registry, FilingService filings, DocumentVault vault,
            BlobStore blobs, ReceiptSigner signer, AuditLog audit, Store store, Clock clock) {
        this(settings, rules, registry, filings, vault, blobs, signer, audit, store, clock, ReceiptTimestamps.off());
    }

    /** As above, with receipts timestamped as {@code timestamps} says (issue 21). */
    public MessageService(MessageSettings settings, FilingRules rules, RegistryService registry, FilingService filings, DocumentVault vault,
            BlobStore blobs, ReceiptSigner signer, AuditLog audit, Store store, Clock clock, ReceiptTimestamps timestamps) {
        this.timestamps = timestamps;
        this.settings = settings;
        this.rules = rules;
        this.registry = registry;
        this.filings = filings;
        this.vault = vault;
        this.blobs = blobs;
        this.signer = signer;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    // ---- a State's message ------------------------------------------------------------------------

    /**
     * Verifies a signed envelope sent by {@code caller} and decides what to do. Checks, in order:
     * signature, signer registered, signer/caller/envelope State the same, clock skew, message id unused
     * (or used for this very envelope: the original receipt answers), then what every filing must say
     * ({@link FilingRules}: report type, period, named States, document names) and the limits.
     */
    public MessageIntake.Start startMessage(Caller caller, byte[] signedEnvelope) throws Refusal {
        try {
            Checked checked = check(signedEnvelope);
            Envelope e = checked.envelope();
            if (e.type() == MessageType.SECRETARIAT_MESSAGE) {
                throw new Refusal(Refusal.Reason.MALFORMED, "a State sends messages of type filing, correspondence or instruction");
            }
            if (!e.state().equals(caller.state()) || !e.state().equals(checked.signer().stateCode())) {
                throw new Refusal(Refusal.Reason.SIGNER_NOT_OF_STATE,
                        "the envelope's State, the signer's State and the TLS client's State must be the same");
            }
            Optional<byte[]> replay = replayOrConflict(e.state(), checked);
            if (replay.isPresent()) {
                return new MessageIntake.Start.Replay(replay.get());
            }
            String reportType = rules.reportType(e.reportType() != null ? e.reportType() : "correspondence");
            // Null for a filing that says no level: routing applies the State's standing instruction.
            ConfidentialityLevel level = e.level();
            String title = null;
            if (e.type() == MessageType.INSTRUCTION) {
                // An instruction covers every future filing of the type, so it has no period to check.
                rules.instruction(e.state(), level, e.namedStates());
            } else {
                rules.period(reportType, e.period());
                rules.routing(e.state(), level, e.namedStates());
                title = rules.title(e.title()); // the filings' title: the rule of every channel, beyond the envelope's own
            }
            if (e.documents().size() > settings.maxDocuments()) {
                throw new Refusal(Refusal.Reason.TOO_LARGE, "at most " + settings.maxDocuments() + " documents per message");
            }
            for (DocumentInfo d : e.documents()) {
                rules.documentName(d.name());
                if (d.size() > settings.maxDocumentBytes()) {
                    throw new Refusal(Refusal.Reason.TOO_LARGE,
                            "document '" + d.name() + "' is larger than " + settings.maxDocumentBytes() + " bytes");
                }
            }
            return new MessageIntake.Start.Expecting(new Intake(caller, checked, signedEnvelope, reportType, level, title));
        } catch (Refusal e) {
            auditRefusal(caller, e, "message.refused");
            throw e;
        }
    }

    /** What every signed envelope goes through: signature, parse, registered signer, clock. */
    private record Checked(Envelope envelope, byte[] envelopeJson, String digest, Account signer, String signerFingerprint) {
    }

    private Checked check(byte[] signedEnvelope) throws Refusal {
        if (signedEnvelope.length > settings.maxEnvelopeBytes()) {
            throw new Refusal(Refusal.Reason.TOO_LARGE, "the signed envelope is larger than "
                    + settings.maxEnvelopeBytes() + " bytes");
        }
        VerifiedEnvelope verified;
        try {
            verified = EnvelopeVerifier.verify(signedEnvelope, settings.maxEnvelopeBytes());
        } catch (SignatureCheckException e) {
            throw new Refusal(e.reason() == SignatureCheckException.Reason.MALFORMED ? Refusal.Reason.MALFORMED
                    : Refusal.Reason.BAD_SIGNATURE, "the envelope's signature does not verify: " + e.getMessage());
        }
        Envelope envelope;
        try {
            envelope = EnvelopeJson.fromBytes(verified.content());
        } catch (WireFormatException e) {
            // a document name is judged by the names rule of every channel, the rest is the envelope's form
            throw e.concernsName() ? new Refusal(Refusal.Reason.INVALID_NAME, e.getMessage())
                    : new Refusal(Refusal.Reason.MALFORMED, "the envelope is malformed: " + e.getMessage());
        }
        String signerFingerprint = LocalCertificateAuthority.fingerprint(verified.signer());
        Account signer = registry.current().accountByCertificate(signerFingerprint)
                .orElseThrow(() -> new Refusal(Refusal.Reason.UNKNOWN_SIGNER,
                        "the envelope was signed with a certificate that is not registered (or is revoked)"));
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        String digest = sha256(verified.content());
        if ((envelope.createdAt().isBefore(now.minus(skew)) || envelope.createdAt().isAfter(now.plus(skew)))
                && !isStoredResend(envelope, digest)) {
            throw new Refusal(Refusal.Reason.CLOCK_SKEW, "createdAt " + envelope.createdAt()
                    + " is more than " + skew.toSeconds() + " s from the server's time " + now.truncatedTo(ChronoUnit.SECONDS));
        }
        return new Checked(envelope, verified.content(), digest, signer, signerFingerprint);
    }

    /**
     * Whether this exact envelope (same State, id and bytes) was accepted before. Such a resend only gets
     * the original receipt back and files nothing, so it is answered however old it is: a national system
     * that lost its receipt can always recover it by sending the same envelope again.
     */
    private boolean isStoredResend(Envelope envelope, String digest) throws Refusal {
        if (envelope.state() == null) {
            return false;
        }
        try {
            return store.read(tx -> tx.messages().find(envelope.state(), envelope.messageId()))
                    .filter(m -> m.envelopeSha256().equals(digest)).isPresent();
        } catch (StoreException e) {
            throw unavailable(e);
        }
    }

    /** A used message id: the original receipt when the envelope is the same, else a refusal. */
    private Optional<byte[]> replayOrConflict(String sender, Checked checked) throws Refusal {
        Optional<MessageRecord> existing;
        try {
            existing = store.read(tx -> tx.messages().find(sender, checked.envelope().messageId()));
        } catch (StoreException e) {
            throw unavailable(e);
        }
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        if (existing.get().envelopeSha256().equals(checked.digest())) {
            auditQuietly(AuditEvent.ok("message.resent", existing.get().account(), "-", checked.envelope().messageId())
                    .withDetail("sender", sender));
            return Optional.of(existing.get().receipt());
        }
        throw new Refusal(Refusal.Reason.DUPLICATE_ID, "message id '" + checked.envelope().messageId()
                + "' was already used by " + sender + " for a message with other content");
    }

    /** The documents of one accepted-so-far message. */
    private final class Intake implements MessageIntake {
        private final Caller client;
        private final Checked checked;
        private final byte[] signedEnvelope;
        private final String reportType;
        private final ConfidentialityLevel level;
        private final String title;
        private final Map<String, ExpectedDocument> expected = new LinkedHashMap<>();
        private final Map<String, FilingService.Received> received = new LinkedHashMap<>();
        private FilingService.Intake open;
        private String openName;
        private boolean done;

        Intake(Caller client, Checked checked, byte[] signedEnvelope, String reportType, ConfidentialityLevel level, String title) {
            this.title = title;
            this.client = client;
            this.checked = checked;
            this.signedEnvelope = signedEnvelope.clone();
            this.reportType = reportType;
            this.level = level;
            for (DocumentInfo d : checked.envelope().documents()) {
                expected.put(d.name(), new ExpectedDocument(d.name(), d.size(), d.sha256(), d.mediaType()));
            }
        }

        @Override
        public List<ExpectedDocument> expected() {
            return List.copyOf(expected.values());
        }

        @Override
        public DocumentSink document(String name) throws Refusal {
            if (open != null) {
                throw fail(Refusal.Reason.MALFORMED, "document '" + openName + "' has not ended");
            }
            ExpectedDocument doc = expected.get(name);
            if (doc == null || received.containsKey(name)) {
                throw fail(Refusal.Reason.DIGEST_MISMATCH, doc == null ? "document '" + name + "' is not in the envelope"
                        : "document '" + name + "' was sent twice");
            }
            Envelope e = checked.envelope();
            Submission submission = new Submission(e.state(), client.account(), "x509-sha256:" + checked.signerFingerprint(), client.channel().wireName(),
                    client.source(), name, reportType, e.period(), level, e.namedStates(), e.withheld()).withTitle(title);
            try {
                open = filings.begin(submission);
            } catch (Refusal ex) {
                throw fail(ex);
            }
            openName = name;
            return new DocumentSink() {
                private long size;

                @Override
                public void write(byte[] b, int off, int len) throws Refusal {
                    size += len;
                    if (size > doc.size()) {
                        throw fail(Refusal.Reason.DIGEST_MISMATCH, "document '" + name + "' is longer than the envelope says");
                    }
                    try {
                        open.write(b, off, len);
                    } catch (Refusal ex) {
                        throw fail(ex);
                    }
                }

                @Override
                public void end() throws Refusal {
                    FilingService.Received r;
                    try {
                        r = open.finish();
                    } catch (Refusal ex) {
                        throw fail(ex);
                    } finally {
                        open = null;
                    }
                    received.put(name, r);
                    if (r.document().size() != doc.size() || !r.document().sha256Hex().equals(doc.sha256())) {
                        throw fail(Refusal.Reason.DIGEST_MISMATCH, "document '" + name + "' does not match its size and SHA-256 in the envelope");
                    }
                }
            };
        }

        @Override
        public byte[] complete() throws Refusal {
            if (open != null || received.size() != expected.size()) {
                List<String> missing = expected.keySet().stream().filter(n -> !received.containsKey(n)).toList();
                throw fail(Refusal.Reason.DIGEST_MISMATCH, "documents missing from the request: " + missing);
            }
            Envelope e = checked.envelope();
            DocumentVault.StoredDocument envelopeBlob = storeBlob(signedEnvelope);
            List<FilingService.Received> docs = List.copyOf(received.values());
            byte[][] receipt = new byte[1][];
            try {
                filings.record(docs, (tx, accepted, at) -> receipt[0] = recordMessage(tx, accepted, at, envelopeBlob));
            } catch (Refusal ex) {
                received.clear(); // record() has discarded them
                discardBlob(envelopeBlob.blobId());
                done = true;
                if (ex.reason() == Refusal.Reason.DUPLICATE_ID) {
                    // a concurrent send of the same id won the race: answer as for any resend
                    Optional<byte[]> replay = replayOrConflict(e.state(), checked);
                    if (replay.isPresent()) {
                        return replay.get();
                    }
                }
                throw ex;
            }
            done = true;
            received.clear();
            return timestamps.stampNow(ReceiptTimestampRecords.message(e.state(), e.messageId()), receipt[0]);
        }

        /**
         * The message's receipt: its filings, and the level applied (routing may have narrowed what was
         * said, or supplied what was not); for an instruction, the instruction now in force.
         */
        private byte[] receiptContent(List<FilingService.Accepted> accepted, Instant at) {
            Envelope e = checked.envelope();
            List<MessageReceipt.FiledDocument> listed = new ArrayList<>();
            for (FilingService.Accepted a : accepted) {
                listed.add(new MessageReceipt.FiledDocument(a.filing().id(), a.filing().fileName(), a.filing().size(), a.filing().sha256()));
            }
            ConfidentialityLevel applied = accepted.isEmpty() ? level : accepted.get(0).filing().level();
            return MessageReceiptJson.toBytes(new MessageReceipt(MessageReceipt.CURRENT_VERSION, MessageReceipt.Kind.MESSAGE, e.messageId(),
                    e.state(), client.account(), checked.signerFingerprint(), checked.digest(), at, applied, reportType, e.period(), listed,
                    List.of()));
        }

        /**
         * The message itself, in the transaction that records its filings; returns its signed receipt, which
         * names the {@code message.accepted} event as its anchor.
         */
        private byte[] recordMessage(Tx tx, List<FilingService.Accepted> accepted, Instant at, DocumentVault.StoredDocument envelopeBlob)
                throws Exception {
            Envelope e = checked.envelope();
            tx.documentKeys().insert(envelopeBlob.key());
            AuditAnchor anchor = audit.appendNow(tx, AuditEvent.ok("message.accepted", client.account(), client.source(), e.messageId())
                    .withDetail("state", e.state())
                    .withDetail("type", e.type().wireName())
                    .withDetail("envelopeSha256", checked.digest())
                    .withDetail("signerFingerprint", checked.signerFingerprint())
                    .withDetail("documents", Integer.toString(accepted.size())));
            byte[] signedReceipt = timestamps.asIssued(signer.sign(receiptContent(accepted, at), anchor));
            try {
                tx.messages().insert(new MessageRecord(e.state(), e.messageId(), e.type().wireName(), client.account(), checked.signerFingerprint(),
                        checked.digest(), envelopeBlob.blobId(), envelopeBlob.size(), at, signedReceipt),
                        accepted.stream().map(a -> a.filing().id()).toList());
            } catch (StoreException dup) {
                if (dup.reason() == StoreException.Reason.DUPLICATE) {
                    throw new Refusal(Refusal.Reason.DUPLICATE_ID, "message id already used");
                }
                throw dup;
            }
            timestamps.request(tx, ReceiptTimestampRecords.message(e.state(), e.messageId()));
            if (e.type() == MessageType.INSTRUCTION) {
                tx.instructions().put(new InstructionRecords.SetInstruction(e.state(), reportType, level, e.namedStates(),
                        e.messageId(), client.account(), at));
                audit.append(tx, AuditEvent.ok("instruction.set", client.account(), client.source(), e.messageId())
                        .withDetail("state", e.state())
                        .withDetail("reportType", reportType)
                        .withDetail("level", level == null ? "withdrawn" : level.wireName())
                        .withDetail("namedStates", String.join(",", e.namedStates())));
            }
            return signedReceipt;
        }

        private Refusal fail(Refusal.Reason reason, String why) {
            return fail(new Refusal(reason, why));
        }

        private Refusal fail(Refusal why) {
            close();
            return why;
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            if (open != null) {
                open.abort("message-abandoned");
                open = null;
            }
            if (!received.isEmpty()) {
                filings.discard(List.copyOf(received.values()),
                        new Refusal(Refusal.Reason.FORBIDDEN, "message-abandoned"));
                received.clear();
            }
        }
    }

    // ---- the secretariat's messages ---------------------------------------------------------------

    /**
     * The secretariat sends a message (a signed envelope naming its recipients) to one State, several, or
     * all States Parties. Returns the server-signed receipt listing the recipients.
     */
    public byte[] sendFromSecretariat(Caller client, byte[] signedEnvelope) throws Refusal {
        try {
            Checked checked = check(signedEnvelope);
            Envelope e = checked.envelope();
            if (e.type() != MessageType.SECRETARIAT_MESSAGE || !checked.signer().isSecretariat()) {
                throw new Refusal(Refusal.Reason.FORBIDDEN,
                        "a secretariat message must be of type secretariat-message and signed by a secretariat account");
            }
            if (!e.documents().isEmpty()) {
                throw new Refusal(Refusal.Reason.MALFORMED, "secretariat messages carry text only (no documents yet)");
            }
            Optional<byte[]> replay = replayOrConflict(SECRETARIAT, checked);
            if (replay.isPresent()) {
                return replay.get();
            }
            return broadcast(e.messageId(), e.recipients(), Names.title(e.title()), e.body(), client.account(), client.source(),
                    checked.signerFingerprint(), checked.digest(), signedEnvelope, List.of());
        } catch (Refusal e) {
            auditRefusal(client, e, "secretariat-message.refused");
            throw e;
        }
    }

    /**
     * The operator sends a secretariat message from the admin CLI (no envelope to verify: the operator
     * is trusted locally). Returns the signed receipt.
     */
    public byte[] sendAsOperator(Caller caller, List<String> recipients, String title, String body) throws Refusal {
        String messageId = "operator-" + java.util.UUID.randomUUID();
        byte[] record = ("{\"title\":" + quote(title) + ",\"recipients\":" + recipients.stream().map(MessageService::quote).toList() + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // No one signed an envelope: the server's own receipt key stands behind what the operator sent.
        String serverFingerprint = LocalCertificateAuthority.fingerprint(signer.certificate());
        return broadcast(messageId, recipients, title, body, caller.account(), caller.source(), serverFingerprint, sha256(record), record,
                List.of());
    }

    /** A document attached to an operator's message, stored (encrypted) before the message is sent. */
    private record Attached(String name, String mediaType, DocumentVault.StoredDocument stored) {
    }

    /**
     * Begins a secretariat message written at the console, whose attachments stream in one after another
     * (hashed and encrypted as they arrive); {@link OperatorMessage#send} queues it for every recipient, signed
     * by the server. Recipients, title and body are checked first, so a bad form keeps no byte.
     */
    public OperatorMessage beginOperatorMessage(Caller caller, List<String> recipients, String title, String body) throws Refusal {
        resolveRecipients(recipients);
        return new OperatorMessage(caller, List.copyOf(recipients), title, body);
    }

    /** A secretariat message with attachments being received; closing it unsent discards every attachment stored. */
    public final class OperatorMessage implements AutoCloseable {
        private final Caller caller;
        private final List<String> recipients;
        private final String title;
        private final String body;
        private final List<Attached> attached = new ArrayList<>();
        private DocumentVault.Upload open;
        private String openName;
        private boolean done;

        private OperatorMessage(Caller caller, List<String> recipients, String title, String body) {
            this.caller = caller;
            this.recipients = recipients;
            this.title = title;
            this.body = body;
        }

        /** Starts the next attachment; refused beyond {@code maxDocuments}, or for a name the wire format refuses. */
        public void startAttachment(String name) throws Refusal {
            if (open != null) {
                throw fail(new Refusal(Refusal.Reason.MALFORMED, "an attachment is still open"));
            }
            if (attached.size() >= settings.maxDocuments()) {
                throw fail(new Refusal(Refusal.Reason.TOO_LARGE, "a message carries at most " + settings.maxDocuments() + " attachments"));
            }
            if (attached.stream().anyMatch(a -> a.name().equals(name))) {
                throw fail(new Refusal(Refusal.Reason.MALFORMED, "two attachments have the same name"));
            }
            try {
                new DocumentInfo(name, 0, "0".repeat(64), MEDIA_TYPE);
            } catch (IllegalArgumentException e) {
                throw fail(new Refusal(Refusal.Reason.INVALID_NAME, e.getMessage()));
            }
            try {
                open = vault.begin();
                openName = name;
            } catch (IOException e) {
                throw fail(new Refusal(Refusal.Reason.UNAVAILABLE, "the attachment could not be stored; nothing was kept", e));
            }
        }

        public void write(byte[] b, int off, int len) throws Refusal {
            try {
                if (open.size() + len > settings.maxDocumentBytes()) {
                    throw fail(new Refusal(Refusal.Reason.TOO_LARGE, "an attachment is larger than " + settings.maxDocumentBytes() + " bytes"));
                }
                open.write(b, off, len);
            } catch (IOException e) {
                throw fail(new Refusal(Refusal.Reason.UNAVAILABLE, "the attachment could not be stored; nothing was kept", e));
            }
        }

        public void endAttachment() throws Refusal {
            try {
                DocumentVault.StoredDocument d = open.finish();
                open = null;
                attached.add(new Attached(openName, MEDIA_TYPE, d));
            } catch (IOException e) {
                throw fail(new Refusal(Refusal.Reason.UNAVAILABLE, "the attachment could not be stored; nothing was kept", e));
            }
        }

        /** Queues the message, with its attachments, for every recipient; returns the server-signed receipt. */
        public byte[] send() throws Refusal {
            if (open != null) {
                throw fail(new Refusal(Refusal.Reason.MALFORMED, "an attachment did not end"));
            }
            String messageId = "operator-" + java.util.UUID.randomUUID();
            byte[] record = ("{\"title\":" + quote(title) + ",\"recipients\":" + recipients.stream().map(MessageService::quote).toList()
                    + ",\"attachments\":" + attached.stream().map(a -> quote(a.name() + " " + a.stored().sha256Hex())).toList() + "}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String serverFingerprint = LocalCertificateAuthority.fingerprint(signer.certificate());
            done = true;
            return broadcast(messageId, recipients, title, body, caller.account(), caller.source(), serverFingerprint, sha256(record), record,
                    List.copyOf(attached));
        }

        private Refusal fail(Refusal why) {
            close();
            return why;
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            if (open != null) {
                open.close();
                open = null;
            }
            attached.forEach(a -> discardBlob(a.stored().blobId()));
            attached.clear();
        }
    }

    private static final String MEDIA_TYPE = "application/octet-stream";

    private byte[] broadcast(String messageId, List<String> recipients, String title, String body, String account, String source,
            String signerFingerprint, String digest, byte[] original, List<Attached> attachments) throws Refusal {
        List<String> states = resolveRecipients(recipients);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<DocumentVault.StoredDocument> stored = new ArrayList<>();
        attachments.forEach(a -> stored.add(a.stored()));
        List<DocumentInfo> documents = attachments.stream()
                .map(a -> new DocumentInfo(a.name(), a.stored().size(), a.stored().sha256Hex(), a.mediaType())).toList();
        List<InboxRecords.InboxEntry> entries = new ArrayList<>();
        try {
            DocumentVault.StoredDocument envelopeBlob = storeBlob(original);
            stored.add(envelopeBlob);
            String itemId = "msg-" + java.util.UUID.randomUUID().toString().replace("-", "");
            for (String state : states) {
                InboxItem item = new InboxItem(InboxItem.CURRENT_VERSION, InboxItem.Kind.SECRETARIAT_MESSAGE, itemId, state, at, title, body, documents,
                        null, null);
                DocumentVault.StoredDocument blob = storeBlob(signer.sign(InboxItemJson.toBytes(item)));
                stored.add(blob);
                entries.add(new InboxRecords.InboxEntry(0, state, "secretariat-message", itemId, title, at, blob.blobId(), blob.size(), null));
            }
            MessageReceipt r = new MessageReceipt(MessageReceipt.CURRENT_VERSION, MessageReceipt.Kind.SECRETARIAT_MESSAGE, messageId, null, account,
                    signerFingerprint, digest, at, null, null, null, List.of(), states);
            byte[] content = MessageReceiptJson.toBytes(r);
            byte[] issued = store.inTransaction(tx -> {
                for (DocumentVault.StoredDocument blob : stored) {
                    tx.documentKeys().insert(blob.key());
                }
                for (int i = 0; i < attachments.size(); i++) {
                    Attached a = attachments.get(i);
                    tx.attachments().insert(new AttachmentRecords.Attachment(itemId, i, a.name(), a.mediaType(), a.stored().size(),
                            a.stored().sha256Hex(), a.stored().blobId()));
                }
                for (InboxRecords.InboxEntry entry : entries) {
                    long seq = tx.inbox().nextSeq();
                    tx.inbox().insert(new InboxRecords.InboxEntry(seq, entry.state(), entry.kind(), entry.itemId(), entry.title(),
                            entry.createdAt(), entry.itemBlobId(), entry.itemSize(), null));
                }
                AuditAnchor anchor = audit.appendNow(tx, AuditEvent.ok("secretariat-message.sent", account, source, messageId)
                        .withDetail("recipients", String.join(",", states))
                        .withDetail("attachments", attachments.stream().map(a -> a.name() + " " + a.stored().sha256Hex())
                                .collect(java.util.stream.Collectors.joining(",")))
                        .withDetail("title", title));
                byte[] receipt = timestamps.asIssued(signer.sign(content, anchor));
                tx.messages().insert(new MessageRecord(SECRETARIAT, messageId, "secretariat-message", account, signerFingerprint, digest,
                        envelopeBlob.blobId(), envelopeBlob.size(), at, receipt), List.of());
                timestamps.request(tx, ReceiptTimestampRecords.message(SECRETARIAT, messageId));
                return receipt;
            });
            return timestamps.stampNow(ReceiptTimestampRecords.message(SECRETARIAT, messageId), issued);
        } catch (StoreException e) {
            stored.forEach(b -> discardBlob(b.blobId()));
            if (e.reason() == StoreException.Reason.DUPLICATE) {
                throw new Refusal(Refusal.Reason.DUPLICATE_ID, "message id already used by the secretariat");
            }
            throw unavailable(e);
        } catch (Refusal e) {
            stored.forEach(b -> discardBlob(b.blobId()));
            throw e;
        }
    }

    private List<String> resolveRecipients(List<String> recipients) throws Refusal {
        Registry current = registry.current();
        if (recipients.equals(List.of(Envelope.ALL_STATES_PARTIES))) {
            return current.statesParties().stream().map(StateEntry::code).sorted().toList();
        }
        List<String> out = new ArrayList<>();
        for (String code : recipients) {
            if (current.state(code).isEmpty()) {
                throw new Refusal(Refusal.Reason.MALFORMED, "recipient '" + code + "' is not a registered State");
            }
            if (!out.contains(code)) {
                out.add(code);
            }
        }
        if (out.isEmpty()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "a secretariat message needs at least one recipient");
        }
        return out;
    }

    // ---- shared -----------------------------------------------------------------------------------

    private DocumentVault.StoredDocument storeBlob(byte[] bytes) throws Refusal {
        try {
            return vault.store(bytes);
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the message could not be stored; nothing was kept", e);
        }
    }

    private void discardBlob(String blobId) {
        try {
            blobs.delete(blobId);
        } catch (IOException e) {
            LOG.warn("could not remove unrecorded blob {}: {}", blobId, e.getMessage());
        }
    }

    private void auditRefusal(Caller client, Refusal e, String type) {
        auditQuietly(AuditEvent.refused(type, client.account(), client.source(), "-")
                .withDetail("reason", e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .withDetail("detail", e.getMessage()));
    }

    private void auditQuietly(AuditEvent event) {
        try {
            audit.record(store, event);
        } catch (StoreException e) {
            LOG.error("audit event {} could not be written: {}", event.type(), e.getMessage());
        }
    }

    private static Refusal unavailable(StoreException e) {
        return new Refusal(Refusal.Reason.UNAVAILABLE, "the store is unavailable; try again later", e);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
