package org.treatyexchange.server.store;

/**
 * The store could not do what was asked. {@link Reason} says why, for mapping to a protocol status;
 * the message never contains SQL, a host path or document bytes.
 */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** A unique key was already taken (e.g. a filing id). */
        DUPLICATE,
        /** The database or disk failed; the transaction was rolled back. */
        UNAVAILABLE,
        /** Work inside the transaction threw; the cause says what. */
        ABORTED
    }

    private final Reason reason;

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
