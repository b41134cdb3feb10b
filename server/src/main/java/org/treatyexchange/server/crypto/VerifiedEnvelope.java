package org.treatyexchange.server.crypto;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A signed envelope whose signature {@link EnvelopeVerifier} checked. Whether the signer is
 * trusted is not decided yet: look {@link #signer()} up in the registry by fingerprint.
 *
 * @param content the encapsulated content, exactly as signed
 * @param signer the certificate whose key made the signature, taken from the structure
 * @param signingTime the signing-time attribute, or null if the signer did not include one; asserted by
 *     the signer, not by a time-stamp authority
 */
public record VerifiedEnvelope(byte[] content, X509Certificate signer, Instant signingTime) {
    public VerifiedEnvelope {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(signer, "signer");
    }

    /** The registry's name for the signer: lower-case hex SHA-256 of its DER encoding. */
    public String signerFingerprint() {
        return X509Pem.fingerprint(signer);
    }

    /** Names the signer and the content length; never the content. */
    @Override
    public String toString() {
        return "VerifiedEnvelope[" + content.length + " bytes, signer " + signer.getSubjectX500Principal().getName()
                + ", signingTime " + signingTime + "]";
    }
}
