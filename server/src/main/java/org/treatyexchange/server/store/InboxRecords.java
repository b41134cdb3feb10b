package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each State's inbound queue. Entries are never deleted; acknowledging marks them read. A
 * distribution item whose filing was withdrawn is no longer listed or returned.
 */
public interface InboxRecords {

    /**
     * @param seq          position in the (global) queue order
     * @param state        the recipient State
     * @param kind         {@code secretariat-message} or {@code distribution}
     * @param itemId       the item's id (unique per State)
     * @param title        what a listing shows
     * @param createdAt    when it was queued
     * @param itemBlobId   encrypted blob holding the server-signed item (CMS)
     * @param itemSize     its size in bytes
     * @param acknowledgedAt null until acknowledged
     */
    record InboxEntry(long seq, String state, String kind, String itemId, String title, Instant createdAt, String itemBlobId,
            long itemSize, Instant acknowledgedAt) {
    }

    /** Takes the next seq (locks the counter until the transaction ends). */
    long nextSeq() throws StoreException;

    void insert(InboxEntry entry) throws StoreException;

    /** Entries of a State with seq &gt; after, oldest first; unacknowledged only unless {@code all}. */
    List<InboxEntry> list(String state, long after, int limit, boolean all) throws StoreException;

    Optional<InboxEntry> get(String state, long seq) throws StoreException;

    Optional<InboxEntry> byItemId(String state, String itemId) throws StoreException;

    /** Marks read (keeps the first acknowledgement time); false when there is no such entry. */
    boolean acknowledge(String state, long seq, Instant at) throws StoreException;
}
