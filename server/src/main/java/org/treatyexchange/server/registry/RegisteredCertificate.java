package org.treatyexchange.server.registry;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An X.509 certificate registered to an account for the signed-message channel: it may log in
 * over mutual TLS and sign envelopes, unless revoked. The certificate is pinned by fingerprint;
 * who issued it does not matter.
 *
 * @param certificate the certificate
 * @param fingerprint lower-case hex SHA-256 of its DER encoding, as recorded in the audit log
 * @param revoked a revoked certificate is kept so that the audit can say "revoked", not "unknown"
 */
public record RegisteredCertificate(X509Certificate certificate, String fingerprint, boolean revoked) {
    static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    public RegisteredCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("fingerprint must be 64 lower-case hex digits, got '" + fingerprint + "'");
        }
    }
}
