/**
 * Cryptography for the server, and the only package allowed to import Bouncy Castle.
 *
 * <ul>
 *   <li>{@link org.treatyexchange.server.crypto.DocumentVault}: documents at rest, each under its own
 *       data key, sealed in authenticated segments (truncation, reordering, appending and bit flips
 *       are detected on read);</li>
 *   <li>{@link org.treatyexchange.server.crypto.MasterKeys}: the rotatable master keys that wrap
 *       the data keys, kept in a password-protected PKCS#12 file;</li>
 *   <li>{@link org.treatyexchange.server.crypto.ReceiptSigner}: CMS SignedData receipts that
 *       {@code openssl cms -verify} accepts;</li>
 *   <li>{@link org.treatyexchange.server.crypto.LocalCertificateAuthority}: the server's own CA for the
 *       HTTPS server certificate and States' API client certificates;
 *       {@link org.treatyexchange.server.crypto.TlsCredentials}: the server's TLS credential;</li>
 *   <li>{@link org.treatyexchange.server.crypto.EnvelopeVerifier}: signature checks of the CMS envelopes
 *       States send on the signed-message channel (trust is decided by the registry, not here);</li>
 *   <li>{@link org.treatyexchange.server.crypto.SshKeyFiles}: OpenSSH key files, fingerprints and
 *       authorized_keys lines.</li>
 * </ul>
 *
 * Nothing here logs a password, a key or a document byte.
 */
package org.treatyexchange.server.crypto;
