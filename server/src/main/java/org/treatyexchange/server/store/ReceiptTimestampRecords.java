package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The RFC 3161 timestamps asked for receipts (table {@code receipt_timestamp}): one row per receipt, written in the
 * transaction that records the receipt, then updated once the timestamped receipt exists (or the server gave up).
 * The receipt as first issued is never changed; the timestamped one is kept beside it and
 * {@link FilingRecords#receipt} and {@link MessageRecords#find} answer with it once it exists.
 */
public interface ReceiptTimestampRecords {

    /** The reference of a filing's receipt. */
    static String filing(String filingId) {
        return filingId;
    }

    /** The reference of a message's receipt ({@code sender} is a State's code or {@code secretariat}). */
    static String message(String sender, String messageId) {
        return sender + "/" + messageId;
    }

    /** A receipt whose timestamp is still to be asked for. */
    record Pending(String receiptRef, Instant requestedAt, long attempts) {
    }

    /**
     * Records that the receipt {@code receiptRef} needs a timestamp, asked for at {@code at}; the background retries
     * leave it alone until {@code firstRetry} (the filing's own try comes first).
     */
    void request(String receiptRef, Instant at, Instant firstRetry) throws StoreException;

    /** Up to {@code limit} pending receipts whose next try has come, oldest request first. */
    List<Pending> due(Instant now, int limit) throws StoreException;

    /** The receipt as first issued (without its timestamp), if the reference names one. */
    Optional<byte[]> original(String receiptRef) throws StoreException;

    /**
     * Keeps the timestamped receipt beside the original, if the row is still pending (another node may have
     * stamped it first); returns whether this call stored it.
     */
    boolean stamped(String receiptRef, byte[] stampedReceipt, Instant at) throws StoreException;

    /** One more failed try: the next at {@code next}, or none ({@code abandon}: status abandoned). */
    void failed(String receiptRef, long attempts, Instant next, boolean abandon) throws StoreException;

    /** The status of a receipt's timestamp: pending, stamped or abandoned; empty when none was asked for. */
    Optional<String> status(String receiptRef) throws StoreException;
}
