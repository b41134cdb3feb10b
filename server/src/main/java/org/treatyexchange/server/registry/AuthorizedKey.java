package org.treatyexchange.server.registry;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A public key allowed to log in as an account.
 *
 * @param key the decoded key
 * @param fingerprint OpenSSH SHA-256 fingerprint, {@code SHA256:…}, as recorded in receipts and audit events
 * @param comment the comment of the authorized_keys line; empty if none
 */
public record AuthorizedKey(PublicKey key, String fingerprint, String comment) {
    public AuthorizedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(comment, "comment");
    }
}
