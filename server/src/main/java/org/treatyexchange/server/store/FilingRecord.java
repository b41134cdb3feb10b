package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/**
 * One received filing, as stored. Immutable once written: corrections are new filings that
 * {@code supersedes} this one.
 *
 * @param id             server-assigned id (time-ordered, e.g. {@code 20261123T031611Z-7KQ2M9XW4D})
 * @param state          ISO 3166 alpha-3 code of the filing State
 * @param account        account that filed
 * @param keyFingerprint fingerprint of the key the account proved
 * @param channel        {@code sftp} or {@code api}
 * @param fileName       original name (NFC)
 * @param reportType     report type id
 * @param period         reporting period or null
 * @param level          confidentiality level applied
 * @param namedStates    for {@link ConfidentialityLevel#NAMED}: the named States; otherwise empty
 * @param withheld       the State says it withheld sensitive information (ATT Art. 13.3)
 * @param supersedes     id of the filing this replaces, or null
 * @param size           document size in bytes
 * @param sha256         lower-case hex SHA-256 of the document
 * @param blobId         id of the encrypted document in the blob store (its data key is in document_key)
 * @param receivedAt     when it became durable
 * @param status         lifecycle status, {@code received} at first
 * @param title          the title the State chose, NFC, or null when it chose none ({@link #shownTitle()}: the file name)
 */
public record FilingRecord(
        String id,
        String state,
        String account,
        String keyFingerprint,
        String channel,
        String fileName,
        String reportType,
        String period,
        ConfidentialityLevel level,
        List<String> namedStates,
        boolean withheld,
        String supersedes,
        long size,
        String sha256,
        String blobId,
        Instant receivedAt,
        String status,
        String title) {

    /** A filing whose State chose no title. */
    public FilingRecord(String id, String state, String account, String keyFingerprint, String channel, String fileName, String reportType,
            String period, ConfidentialityLevel level, List<String> namedStates, boolean withheld, String supersedes, long size, String sha256,
            String blobId, Instant receivedAt, String status) {
        this(id, state, account, keyFingerprint, channel, fileName, reportType, period, level, namedStates, withheld, supersedes, size, sha256,
                blobId, receivedAt, status, null);
    }

    /** The title shown and searched: the State's, else the document's name (the default the README states). */
    public String shownTitle() {
        return title != null ? title : fileName;
    }

    public FilingRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(blobId, "blobId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(status, "status");
        namedStates = List.copyOf(namedStates == null ? List.of() : namedStates);
    }
}
