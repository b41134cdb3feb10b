package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * SFTP submission ids (a manifest's {@code submissionId}, the client's idempotency key), kept forever so
 * that a State files a document only once under each.
 */
public interface SubmissionRecords {

    /**
     * The filing a submission id became.
     *
     * @param state        the filing State (ids are unique per State)
     * @param submissionId the client's id
     * @param filingId     the filing made under it
     * @param sha256       that filing's document
     * @param fileName     its name
     * @param reportType   its report type
     * @param account      the account that filed it
     * @param receivedAt   when it was filed
     */
    record Used(String state, String submissionId, String filingId, String sha256, String fileName, String reportType,
            String account, Instant receivedAt) {
    }

    /** Records a submission id; one the State already used is {@link StoreException.Reason#DUPLICATE}. */
    void insert(Used used) throws StoreException;

    Optional<Used> find(String state, String submissionId) throws StoreException;
}
