package org.treatyexchange.sdk;

/**
 * The exchange refused a request (an RFC 9457 {@code application/problem+json} response), or answered
 * in a way this client does not accept. Carries the HTTP status, the problem type's slug and the
 * server's detail text; never a local path or secret. For a refusal on the SFTP channel
 * ({@link ExchangeClient#submit}) the status is the SFTP status code and the type is {@code sftp-} and
 * its name (e.g. {@code sftp-permission-denied}).
 */
public final class ExchangeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The prefix of every problem type the exchange defines. */
    public static final String PROBLEM_PREFIX = "urn:treaty-exchange:problem:";
    /** {@link #problemType()} when the response was not the documented one (wrong status, media type or body). */
    public static final String UNEXPECTED_RESPONSE = "unexpected-response";

    /** @serial the HTTP status (or SFTP status code) */
    private final int status;
    /** @serial the problem type's slug */
    private final String problemType;
    /** @serial the server's detail text */
    private final String detail;
    /** @serial seconds the exchange asked to wait before a retry ({@code Retry-After}), or -1 */
    private final long retryAfterSeconds;

    /**
     * @param status      HTTP status code
     * @param problemType the slug after {@value #PROBLEM_PREFIX} (e.g. {@code duplicate-id}), the whole
     *                    type URI when it has another form, or {@value #UNEXPECTED_RESPONSE}
     * @param detail      the server's explanation, or a short description; may be empty
     */
    public ExchangeException(int status, String problemType, String detail) {
        this(status, problemType, detail, null);
    }

    /**
     * As above, with the wait the exchange asked for before a retry.
     *
     * @param retryAfter the response's {@code Retry-After} (delay in seconds), or null when it had none
     */
    public ExchangeException(int status, String problemType, String detail, java.time.Duration retryAfter) {
        super(prefix(status, problemType) + problemType + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.status = status;
        this.problemType = problemType;
        this.detail = detail == null ? "" : detail;
        this.retryAfterSeconds = retryAfter == null || retryAfter.isNegative() ? -1 : retryAfter.toSeconds();
    }

    /** "HTTP 409 ", "SFTP status 3 ", or nothing for a refusal the client found before any answer (status 0). */
    private static String prefix(int status, String problemType) {
        if (status == 0 && !UNEXPECTED_RESPONSE.equals(problemType)) {
            return "";
        }
        return (problemType != null && problemType.startsWith("sftp-") ? "SFTP status " : "HTTP ") + status + " ";
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The problem type's slug, e.g. {@code duplicate-id}, {@code bad-signature}. */
    public String problemType() {
        return problemType;
    }

    /** The wait the exchange asked for before trying again ({@code Retry-After} of a 429 or 503), if it named one. */
    public java.util.Optional<java.time.Duration> retryAfter() {
        return retryAfterSeconds < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Duration.ofSeconds(retryAfterSeconds));
    }

    /** The server's human-readable detail (control characters removed, at most 1000 characters). */
    public String detail() {
        return detail;
    }
}
