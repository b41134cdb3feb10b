package org.treatyexchange.server.crypto;

import java.util.Objects;

/**
 * A signed message or receipt was refused. The {@link Reason} is what callers map to a protocol
 * status; the message says which check failed and is safe to show (no key material, no content).
 */
public final class SignatureCheckException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a signature check failed. */
    public enum Reason {
        /** Not parseable CMS SignedData of the accepted shape (size, attached content, one signer...). */
        MALFORMED,
        /** Well formed, but the signature or the content digest does not verify. */
        BAD_SIGNATURE,
        /** Signed by someone other than the trusted certificate, or outside its validity. */
        UNTRUSTED_SIGNER
    }

    private final Reason reason;

    public SignatureCheckException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public SignatureCheckException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
