package org.treatyexchange.sdk.wire;

import java.time.Instant;
import java.util.Objects;

/**
 * What the server acknowledges for one accepted filing. The server signs its canonical JSON
 * ({@link ReceiptJson}) as CMS SignedData with its receipt key; a State keeps the signed bytes as proof.
 *
 * @param version        format version of this receipt, currently 1
 * @param filingId       the server's identifier of the filing
 * @param state          ISO 3166 alpha-3 code of the filing State
 * @param account        the account that filed
 * @param keyFingerprint fingerprint of the key the account proved at login (OpenSSH {@code SHA256:} form)
 * @param channel        how it arrived: {@code sftp} or {@code api}
 * @param fileName       the document's name as received (NFC)
 * @param size           the document's size in bytes
 * @param sha256         lower-case hex SHA-256 of the document as received
 * @param receivedAt     when the filing became durable
 * @param reportType     report type id, e.g. {@code annual-report}
 * @param period         reporting period, or null when the filing named none
 * @param level          the confidentiality level applied
 * @param supersedes     id of the filing this one replaces, or null
 */
public record Receipt(
        int version,
        String filingId,
        String state,
        String account,
        String keyFingerprint,
        String channel,
        String fileName,
        long size,
        String sha256,
        Instant receivedAt,
        String reportType,
        String period,
        ConfidentialityLevel level,
        String supersedes) {

    /** The only version this SDK reads and writes. */
    public static final int CURRENT_VERSION = 1;

/** @throws NullPointerException when a required field is missing; IllegalArgumentException for a negative size */
    public Receipt {
        Objects.requireNonNull(filingId, "filingId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(level, "level");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }
}
