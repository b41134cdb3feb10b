package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

    /** The latest {@code limit} rows whose subject is exactly {@code subject}, in seq order (indexed, V13). */
    List<AuditRow> about(String subject, int limit) throws StoreException;

    /** The head as stored (without locking). */
    Head head() throws StoreException;

    /**
     * A signed checkpoint of the chain's head.
     *
     * @param seq      the head's seq
     * @param hash     the head's hash
     * @param signedAt when the server signed it
     * @param cms      the server's CMS SignedData (DER) over the checkpoint statement
     */
    record Checkpoint(long seq, String hash, Instant signedAt, byte[] cms) {
    }

    /** Keeps a checkpoint; one per seq ({@link StoreException.Reason#DUPLICATE} when that seq has one). */
    void insertCheckpoint(Checkpoint checkpoint) throws StoreException;

    /** The checkpoint of the highest seq, if any. */
    Optional<Checkpoint> latestCheckpoint() throws StoreException;

    /** Checkpoints with seq greater than {@code afterSeq}, in seq order, at most {@code limit}. */
    List<Checkpoint> checkpointsAfter(long afterSeq, int limit) throws StoreException;
}
