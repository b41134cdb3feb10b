package org.treatyexchange.server.store;

import java.util.List;
import java.util.Optional;

/** Each stored document's data key, wrapped by a master key. Rotation re-wraps these rows only. */
public interface DocumentKeyRecords {

    /** @param blobId document, @param masterKeyId wrapping key's id, @param wrappedKey the wrapped data key */
    record DocumentKey(String blobId, String masterKeyId, byte[] wrappedKey) {
    }

    void insert(DocumentKey key) throws StoreException;

    Optional<DocumentKey> byBlobId(String blobId) throws StoreException;

    /** Up to {@code limit} keys still wrapped by a master key other than {@code masterKeyId}. */
    List<DocumentKey> notWrappedBy(String masterKeyId, int limit) throws StoreException;

    /** Replaces a row's wrapping (after re-wrapping the same data key under another master key). */
    void rewrap(DocumentKey key) throws StoreException;

    /** Every blob id that has a key row (for orphan clean-up). */
    List<String> allBlobIds() throws StoreException;
}
