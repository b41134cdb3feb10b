package org.treatyexchange.server.messages;

import java.io.Closeable;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What the HTTPS edge asks of the exchange. Every method may block (database, disk, crypto): the
 * edge calls them on an executor it owns, never on an event loop.
 */
public interface MessageGateway {

    /**
     * Who is on the other end of a TLS connection: the account whose registered, unrevoked
     * certificate this is. Asked on every request (so a revocation applies from the next reload).
     *
     * @param source remote address, for the audit trail
     */
    Optional<ApiClient> identify(X509Certificate clientCertificate, String source);

    /**
     * Verifies a signed envelope (CMS SignedData, DER) sent by {@code client} and decides what to do.
     * Checks, in order: signature, signer registered, signer/TLS client/envelope State the same,
     * clock skew, message id unused (or used for this very envelope), limits.
     *
     * @return {@link Start.Replay} for a resend of an accepted message (nothing else is read or
     *         stored), or {@link Start.Expecting} with an intake for the documents
     */
    Start startMessage(ApiClient client, byte[] signedEnvelope) throws MessageException;

    /** The outcome of {@link #startMessage}. */
    sealed interface Start {
        /** The same message was accepted before: here is its original signed receipt. */
        record Replay(byte[] signedReceipt) implements Start {
        }

        /** A new message: stream its documents into the intake, then complete it. */
        record Expecting(MessageIntake intake) implements Start {
        }
    }

    /** One document the envelope announces. */
    record ExpectedDocument(String name, long size, String sha256, String mediaType) {
    }

    /** The documents of one message being received. Not thread-safe: one request feeds it in order. */
    interface MessageIntake extends Closeable {

        /** The documents the envelope announces, in envelope order (may be empty). */
        List<ExpectedDocument> expected();

        /** Starts receiving the document of this name; refuses unknown or repeated names. */
        DocumentSink document(String name) throws MessageException;

        /**
         * Checks that every announced document arrived whole with its size and SHA-256, then makes the
         * message and its documents durable in one transaction and returns the server-signed receipt.
         */
        byte[] complete() throws MessageException;

        /** Discards everything received unless completed. Always safe to call. */
        @Override
        void close();
    }

    /** Receives one document's bytes, in order. */
    interface DocumentSink {
        void write(byte[] b, int off, int len) throws MessageException;

        /** The document's last byte has arrived; checks its size and SHA-256. */
        void end() throws MessageException;
    }

    /** One entry of a State's inbound queue. */
    record InboxEntry(long seq, String kind, String id, String title, String createdAt, boolean acknowledged) {
    }

    /** Unacknowledged entries with seq greater than {@code after}, oldest first, at most {@code limit}. */
    List<InboxEntry> inbox(ApiClient client, long after, int limit) throws MessageException;

    /** The server-signed CMS of one inbox entry of the client's State. */
    byte[] inboxItem(ApiClient client, long seq) throws MessageException;

    /** Marks an entry read; it no longer appears in {@link #inbox}. Idempotent. */
    void acknowledge(ApiClient client, long seq) throws MessageException;

    /**
     * The secretariat sends a message (a signed envelope naming its recipients) to one State, several,
     * or all States Parties. Returns the server-signed receipt listing the recipients.
     */
    byte[] sendFromSecretariat(ApiClient client, byte[] signedEnvelope) throws MessageException;

    /**
     * The HTTPS edge refused a request on its own (rate limit, oversized headers, timeout, bad
     * route…): record it. Called off the event loop; must not throw.
     *
     * @param client      the identified client, or null when refused before identification
     * @param source      remote address
     * @param problemType the problem's slug, e.g. {@code rate-limited}
     * @param request     method and path (no query, no body)
     */
    default void refusedAtEdge(ApiClient client, String source, String problemType, String request) {
        // no-op unless the implementation audits
    }

    /** Filings waiting for the secretariat's decision, as JSON ({@code {"filings":[…]}}). Secretariat only. */
    default byte[] pendingFilings(ApiClient client) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }

    /** Releases a pending or held filing; returns its plan as JSON. Secretariat only. */
    default byte[] releaseFiling(ApiClient client, String filingId) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }

    /** Holds a pending filing with a reason; returns its new status as JSON. Secretariat only. */
    default byte[] holdFiling(ApiClient client, String filingId, String reason) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }

    /**
     * A State withdraws one of its own filings, with a reason; returns its new status as JSON. A
     * filing of another State answers as a missing one.
     */
    default byte[] withdrawFiling(ApiClient client, String filingId, String reason) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }

    /** The national points of contact (text), for States Parties and the secretariat only. */
    default byte[] contacts(ApiClient client) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }

    /**
     * The confidentiality in force for filings that say no level, as JSON: a State's own, or every
     * State's for the secretariat.
     */
    default byte[] instructions(ApiClient client) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }

    /** Who has filed its annual report for a year, as {@code csv} or {@code json}. Secretariat only. */
    default byte[] reportingStatus(ApiClient client, int year, String format) throws MessageException {
        throw new MessageException(MessageException.Reason.NOT_FOUND, "not offered by this server");
    }
}
