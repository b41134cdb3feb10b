package org.treatyexchange.server.filing;

/**
 * A filing could not be accepted or read. The {@link Reason} maps to a protocol status in one place per
 * channel; the message is safe to show the client (no host path, no exception text, no document byte).
 */
public final class FilingException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The document is larger than the configured maximum. */
        TOO_LARGE,
        /** The account's quota would be exceeded. */
        QUOTA_EXCEEDED,
        /** The request is not allowed for this account. */
        FORBIDDEN,
        /** No such filing or document (also for ones the account may not see). */
        NOT_FOUND,
        /** The document breaks the rules of its report type's structured format (e.g. points of contact). */
        INVALID,
        /** The stored document failed its integrity check. */
        TAMPERED,
        /** Storage or database failure; nothing was kept. */
        UNAVAILABLE
    }

    private final Reason reason;

    public FilingException(Reason reason, String safeMessage) {
        super(safeMessage);
        this.reason = reason;
    }

    public FilingException(Reason reason, String safeMessage, Throwable cause) {
        super(safeMessage, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
