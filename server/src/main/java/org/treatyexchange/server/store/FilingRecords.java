package org.treatyexchange.server.store;

import java.util.List;
import java.util.Optional;

/** Filings and their signed receipts. */
public interface FilingRecords {
    /** Inserts a filing; a used id is {@link StoreException.Reason#DUPLICATE}. */
    void insert(FilingRecord filing) throws StoreException;

    /**
     * As {@link #insert}, unless the filing would take its account's bytes past {@code quota}: then it
     * returns false and writes nothing. The check and the count are one statement when the account has
     * filed before (a filing's transaction needs no separate read of {@link #totalBytesOfAccount}).
     */
    boolean insertWithinQuota(FilingRecord filing, long quota) throws StoreException;

    Optional<FilingRecord> byId(String id) throws StoreException;

    List<FilingRecord> list(FilingQuery query) throws StoreException;

    /**
     * The newest filing (highest id) by this State with this report type, level and file name:
     * the one a second upload under the same name supersedes.
     */
    Optional<FilingRecord> latestByName(String state, String reportType, String level, String fileName)
            throws StoreException;

    /**
     * The filing a document path in a drop folder shows: the newest by this State with this report
     * type, level and file name that no later filing supersedes (from any folder); one indexed lookup.
     */
    Optional<FilingRecord> currentByName(String state, String reportType, String level, String fileName)
            throws StoreException;

    /** Sum of the sizes of every filing made by this account (for its quota), kept as one row. */
    long totalBytesOfAccount(String account) throws StoreException;

    /** Stores the server-signed receipt (CMS DER) of a filing; once only. */
    void insertReceipt(String filingId, byte[] signedReceipt) throws StoreException;

    Optional<byte[]> receipt(String filingId) throws StoreException;
}
