package org.treatyexchange.server.store;

import java.util.List;

/** The append-only audit table. There is no update or delete. */
public interface AuditRecords {

    /** The chain's head: seq and hash of the last event (0 and 64 zeros when empty). */
    record Head(long seq, String hash) {
    }

    /**
     * Locks the chain head for the rest of the transaction (so that concurrent appenders, also on
     * other nodes, serialise) and returns it.
     */
    Head lockHead() throws StoreException;

    /** Appends a row whose seq is head.seq + 1 and moves the head to it. */
    void append(AuditRow row) throws StoreException;

    /** Rows with seq greater than {@code afterSeq}, in seq order, at most {@code limit}. */
    List<AuditRow> after(long afterSeq, int limit) throws StoreException;

    /** The head as stored (without locking). */
    Head head() throws StoreException;
}
