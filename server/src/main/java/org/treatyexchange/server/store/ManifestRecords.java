package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.Optional;

/** SFTP manifests waiting for their document. */
public interface ManifestRecords {

    /** Where a manifest waits: the State's drop folder and the document's name. */
    record Slot(String state, String reportType, String level, String fileName) {
    }

    /** A waiting manifest (its JSON as received). */
    record Waiting(Slot slot, String account, String json, Instant receivedAt) {
    }

    /** Stores a manifest, replacing one already waiting in the same slot. */
    void put(Waiting manifest) throws StoreException;

    Optional<Waiting> find(Slot slot) throws StoreException;

    /**
     * Removes this very manifest (consumed by its document): the one in its slot received at its
     * {@code receivedAt}. False when it is no longer waiting, e.g. replaced by a newer one in the same slot,
     * which stays for its own document.
     */
    boolean remove(Waiting manifest) throws StoreException;

    /** Removes every manifest received before {@code cutoff}; returns how many. */
    int removeOlderThan(Instant cutoff) throws StoreException;
}
