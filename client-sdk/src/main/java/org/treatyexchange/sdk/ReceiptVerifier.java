package org.treatyexchange.sdk;

import java.security.cert.X509Certificate;
import java.util.Objects;
import org.treatyexchange.sdk.internal.Cms;
import org.treatyexchange.sdk.internal.CmsTimestamps;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxItemJson;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.sdk.wire.WireFormatException;

/**
 * Checks what the server signed: receipts and inbox items arrive as CMS SignedData (DER or BER) and are
 * believed only when signed by the one certificate the caller trusts for that purpose — normally the
 * server's published receipt certificate. Certificates inside the CMS are ignored; there is no chain
 * building and no revocation check; the trusted certificate must merely have been valid at the
 * signing-time the signature carries.
 *
 * <p>Inputs are bounded to {@value #MAX_CMS_BYTES} bytes, checked before parsing. Thread-safe.
 */
public final class ReceiptVerifier {

    /** Largest signed structure accepted. */
    public static final int MAX_CMS_BYTES = Cms.MAX_CMS_BYTES;

    private ReceiptVerifier() {
    }

    /**
     * The encapsulated content of {@code cms} if it has exactly one signer, that signer is
     * {@code trusted} and its signature verifies.
     *
     * @throws VerificationException with the reason otherwise
     */
    public static byte[] verify(byte[] cms, X509Certificate trusted) throws VerificationException {
        Objects.requireNonNull(trusted, "trusted");
        return Cms.verify(cms, trusted);
    }

    /**
     * The RFC 3161 timestamp of a receipt: first its signature as {@link #verify} ({@code serverReceiptCert}), then
     * its token as {@link ReceiptTimestamp} says — for this very signature (message imprint = hash of the signature
     * value), signed by a time-stamping authority whose certificate is one of {@code trustedAuthorities} or chains
     * to one of them.
     *
     * @throws VerificationException {@link VerificationException.Reason#TIMESTAMP} when there is no token (yet) or it
     *     does not verify; another reason when the receipt's own signature does not
     */
    public static ReceiptTimestamp verifyTimestamp(byte[] cms, X509Certificate serverReceiptCert,
            java.util.Collection<X509Certificate> trustedAuthorities) throws VerificationException {
        Objects.requireNonNull(trustedAuthorities, "trustedAuthorities");
        verify(cms, serverReceiptCert);
        return CmsTimestamps.verify(cms, trustedAuthorities);
    }

    /**
     * The receipt's timestamp token (DER, what {@code openssl ts -verify -token_in} reads), if it has one; not
     * verified (see {@link #verifyTimestamp}).
     */
    public static java.util.Optional<byte[]> timestampToken(byte[] cms) throws VerificationException {
        return CmsTimestamps.token(cms);
    }

    /**
     * When the exchange asked for the timestamp of a receipt that went out without one (every authority was down
     * or slow): it keeps asking and serves the receipt again with its token. Empty for a receipt with a token, or
     * one the exchange did not ask a timestamp for. An unsigned hint, not evidence.
     */
    public static java.util.Optional<java.time.Instant> timestampPendingSince(byte[] cms) throws VerificationException {
        return CmsTimestamps.pendingSince(cms);
    }

    /** A signed {@link MessageReceipt}: signature as {@link #verify}, then strict JSON. */
    public static MessageReceipt verifyMessageReceipt(byte[] cms, X509Certificate serverReceiptCert) throws VerificationException {
        byte[] content = verify(cms, serverReceiptCert);
        try {
            return MessageReceiptJson.fromBytes(content);
        } catch (WireFormatException e) {
            throw new VerificationException(VerificationException.Reason.CONTENT, e.getMessage());
        }
    }

    /** A signed SFTP filing {@link Receipt}: signature as {@link #verify}, then its JSON. */
    public static Receipt verifyFilingReceipt(byte[] cms, X509Certificate serverReceiptCert) throws VerificationException {
        byte[] content = verify(cms, serverReceiptCert);
        try {
            return ReceiptJson.fromBytes(content);
        } catch (WireFormatException e) {
            throw new VerificationException(VerificationException.Reason.CONTENT, e.getMessage());
        }
    }

    /** A signed {@link InboxItem}: signature as {@link #verify}, then strict JSON. */
    public static InboxItem verifyInboxItem(byte[] cms, X509Certificate serverReceiptCert) throws VerificationException {
        byte[] content = verify(cms, serverReceiptCert);
        try {
            return InboxItemJson.fromBytes(content);
        } catch (WireFormatException e) {
            throw new VerificationException(VerificationException.Reason.CONTENT, e.getMessage());
        }
    }
}
