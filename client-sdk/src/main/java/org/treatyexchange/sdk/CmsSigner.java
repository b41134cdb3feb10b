package org.treatyexchange.sdk;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Objects;
import org.treatyexchange.sdk.internal.Cms;

/**
 * Signs content as the exchange expects: DER CMS SignedData (RFC 5652) with the content encapsulated,
 * one signer, signed attributes content-type, message-digest, signing-time and CMS algorithm protection
 * (RFC 6211), and the signer's certificate chain included. The digest follows the key: SHA-256 for
 * P-256 and RSA, SHA-384 for P-384, SHA-512 for P-521.
 *
 * <p>The result verifies with {@code openssl cms -verify -inform DER -binary} and with Bouncy Castle.
 * Thread-safe (stateless).
 */
public final class CmsSigner {

    private CmsSigner() {
    }

    /** Signs {@code content} with signing-time now. */
    public static byte[] sign(byte[] content, ClientKeys keys) throws GeneralSecurityException {
        return sign(content, keys, Instant.now());
    }

    /** Signs {@code content} with the given signing-time (for tests and for callers with their own clock). */
    public static byte[] sign(byte[] content, ClientKeys keys, Instant signingTime) throws GeneralSecurityException {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(signingTime, "signingTime");
        return Cms.sign(content, keys.signingKey(), keys.chain(), signingTime);
    }
}
