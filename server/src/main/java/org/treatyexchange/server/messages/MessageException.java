package org.treatyexchange.server.messages;

/**
 * A message or inbox request the exchange refuses. The {@link Reason} is stable and maps to one HTTP
 * status and problem type at the HTTPS edge; the message is safe to show the client.
 */
public final class MessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The CMS structure does not verify, or is not a single-signer SignedData over an envelope. */
        BAD_SIGNATURE,
        /** The signing certificate is not registered (or is revoked). */
        UNKNOWN_SIGNER,
        /** The signer, the TLS client and the envelope's State are not all the same State. */
        SIGNER_NOT_OF_STATE,
        /** created-at is outside the configured window around the server's clock. */
        CLOCK_SKEW,
        /** The message id was used by this State for a message with other content. */
        DUPLICATE_ID,
        /** A document's size or SHA-256 differs from what the envelope says, or one is missing or extra. */
        DIGEST_MISMATCH,
        /** Over a configured limit (envelope, document, number of documents, quota). */
        TOO_LARGE,
        /** The envelope or request is not well-formed. */
        MALFORMED,
        /** The client may not do this (e.g. a State using a secretariat operation). */
        FORBIDDEN,
        /** No such item (also for items the client may not see). */
        NOT_FOUND,
        /** Storage failure; nothing was kept. Safe to retry with the same message id. */
        UNAVAILABLE
    }

    private final Reason reason;

    public MessageException(Reason reason, String safeMessage) {
        super(safeMessage);
        this.reason = reason;
    }

    public MessageException(Reason reason, String safeMessage, Throwable cause) {
        super(safeMessage, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
