package org.treatyexchange.sdk.wire;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the server acknowledges for one accepted message (version 1). The server signs its canonical
 * JSON ({@link MessageReceiptJson}) as CMS SignedData with its receipt key; the sender keeps the signed
 * bytes as proof of what it sent and when.
 *
 * @param version           format version, {@value #CURRENT_VERSION}
 * @param kind              a State's message or a secretariat message
 * @param messageId         the envelope's message id
 * @param state             the sending State's code; null for a secretariat message
 * @param account           the account of the TLS client that sent it
 * @param signerFingerprint lower-case hex SHA-256 of the DER certificate that signed the envelope
 * @param envelopeSha256    lower-case hex SHA-256 of the envelope JSON bytes exactly as signed and received
 * @param receivedAt        when the message became durable
 * @param level             the confidentiality level applied, or null (secretariat message)
 * @param reportType        the report type, or null
 * @param period            the reporting period, or null
 * @param documents         the documents received, each with the filing id the server gave it
 * @param recipients        for a secretariat message the States it went to (non-empty); empty otherwise
 */
public record MessageReceipt(
        int version,
        Kind kind,
        String messageId,
        String state,
        String account,
        String signerFingerprint,
        String envelopeSha256,
        Instant receivedAt,
        ConfidentialityLevel level,
        String reportType,
        String period,
        List<FiledDocument> documents,
        List<String> recipients) {

    /** The only version this SDK reads and writes. */
    public static final int CURRENT_VERSION = 1;
    /** Largest receipt JSON accepted. */
    public static final int MAX_BYTES = 64 * 1024;

    /** What kind of message was received. */
    public enum Kind {
        /** A State's filing or correspondence. */
        MESSAGE("message"),
        /** A message the secretariat sent to States. */
        SECRETARIAT_MESSAGE("secretariat-message");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The name written on the wire. */
        public String wireName() {
            return wireName;
        }

        /** Parses a wire name exactly; anything else is empty. */
        public static Optional<Kind> fromWireName(String name) {
            for (Kind k : values()) {
                if (k.wireName.equals(name)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One received document.
     *
     * @param filingId the server's id for the filing this document became
     * @param name     its name as announced
     * @param size     its size in bytes
     * @param sha256   its lower-case hex SHA-256 as received
     */
    public record FiledDocument(String filingId, String name, long size, String sha256) {
        /** @throws IllegalArgumentException naming the first rule the values break */
        public FiledDocument {
            Rules.id("document filingId", filingId);
            Rules.documentName("document name", name);
            Rules.size("document size", size);
            Rules.sha256("document sha256", sha256);
        }
    }

    /** @throws IllegalArgumentException naming the first rule the values break */
    public MessageReceipt {
        Rules.require(version == CURRENT_VERSION, "receipt version must be " + CURRENT_VERSION);
        Rules.require(kind != null, "kind is required");
        Rules.id("messageId", messageId);
        documents = Rules.copy("documents", documents);
        recipients = Rules.copy("recipients", recipients);
        if (kind == Kind.MESSAGE) {
            Rules.state("state", state);
            Rules.require(recipients.isEmpty(), "recipients must be empty for a State's message");
        } else {
            Rules.require(state == null, "state must be null for a secretariat-message");
            Rules.recipients("recipients", recipients);
        }
        Rules.account("account", account);
        Rules.sha256("signerFingerprint", signerFingerprint);
        Rules.sha256("envelopeSha256", envelopeSha256);
        Rules.require(receivedAt != null, "receivedAt is required");
        if (reportType != null) {
            Rules.reportType("reportType", reportType);
        }
        Rules.period("period", period);
        Rules.require(documents.size() <= Rules.MAX_DOCUMENTS, "documents must have at most 64 entries");
    }
}
