package org.treatyexchange.server.application;

/**
 * The one way the exchange says no. Every use case, on every channel, refuses with a {@link Reason}
 * (a stable code that clients and tests can rely on) and a message that is safe to show the caller:
 * no host path, no exception text, no document byte. Each edge maps the reason to its protocol once
 * (HTTP status and problem type, SFTP status for the negotiated version, admin CLI exit code).
 */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, as a stable code ({@link #code()}). */
    public enum Reason {
        /** A document name breaks the naming rules ({@link Names}). */
        INVALID_NAME("invalid-name"),
        /** The report type is not configured. */
        UNKNOWN_REPORT_TYPE("unknown-report-type"),
        /** The reporting period is missing, malformed or not allowed for the report type. */
        INVALID_PERIOD("invalid-period"),
        /** The confidentiality said is not possible: a named list that is empty or names a signatory, the filer or an unknown State. */
        INVALID_ROUTING("invalid-routing"),
        /** The document breaks its report type's structured format (e.g. points of contact). */
        INVALID_CONTENT("invalid-content"),
        /** The request, envelope or manifest is not well-formed. */
        MALFORMED("malformed"),
        /** The CMS structure does not verify. */
        BAD_SIGNATURE("bad-signature"),
        /** The signing certificate is not registered (or is revoked). */
        UNKNOWN_SIGNER("unknown-signer"),
        /** The signer, the client and the envelope's State are not all the same State. */
        SIGNER_NOT_OF_STATE("signer-not-of-state"),
        /** created-at is outside the configured window around the server's clock. */
        CLOCK_SKEW("clock-skew"),
        /** A document's size or SHA-256 differs from what the envelope says, or one is missing or extra. */
        DIGEST_MISMATCH("digest-mismatch"),
        /** A message or submission id was already used for other content. */
        DUPLICATE_ID("duplicate-id"),
        /** Over a size limit (document, envelope, number of documents). */
        TOO_LARGE("too-large"),
        /** The account's storage quota would be exceeded. */
        QUOTA_EXCEEDED("quota-exceeded"),
        /** The caller may not do this. */
        FORBIDDEN("forbidden"),
        /** No such thing (also for things the caller may not see). */
        NOT_FOUND("not-found"),
        /** The thing's state does not allow the act (e.g. releasing a filing that is already released). */
        CONFLICT("conflict"),
        /** A stored document failed its integrity check. */
        TAMPERED("tampered"),
        /** The server's storage is full; nothing was kept. */
        STORAGE_FULL("storage-full"),
        /** Storage or database failure, or shutting down; nothing was kept. Safe to retry. */
        UNAVAILABLE("unavailable");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The stable code, e.g. {@code quota-exceeded}. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public Refusal(Reason reason, String safeMessage) {
        super(safeMessage);
        this.reason = reason;
    }

    public Refusal(Reason reason, String safeMessage, Throwable cause) {
        super(safeMessage, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The reason's stable code. */
    public String code() {
        return reason.code();
    }
}
