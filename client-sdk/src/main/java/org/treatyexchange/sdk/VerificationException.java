package org.treatyexchange.sdk;

import java.util.Objects;

/**
 * Signed bytes that must not be believed: not CMS SignedData, not signed by the expected certificate,
 * a signature that does not verify, or content that is not the expected wire format. The
 * {@link Reason} is stable; the message is safe to log and show.
 */
public final class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why verification failed. */
    public enum Reason {
        /** Over the size limit; nothing was parsed. */
        TOO_LARGE,
        /** Not a single DER/BER CMS SignedData with encapsulated {@code id-data} content and signed attributes. */
        MALFORMED,
        /** Not exactly one signer. */
        SIGNER_COUNT,
        /** The signer is not the trusted certificate. */
        WRONG_SIGNER,
        /** A digest or signature algorithm that is not accepted (only SHA-256, SHA-384, SHA-512). */
        WEAK_ALGORITHM,
        /** The signature or the message digest does not verify, or the certificate was not valid at the signing time. */
        BAD_SIGNATURE,
        /** The signature is good but the content is not the expected wire format or not the expected value. */
        CONTENT,
        /**
         * The receipt's RFC 3161 timestamp is missing, is not for this signature, or is not signed by a time-stamping
         * authority the caller trusts.
         */
        TIMESTAMP
    }

    /** @serial why verification failed */
    private final Reason reason;

    /** @param safeMessage text that names no secret and no host path */
    public VerificationException(Reason reason, String safeMessage) {
        super(safeMessage);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The stable reason code. */
    public Reason reason() {
        return reason;
    }
}
