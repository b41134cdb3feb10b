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

    /** Removes it (consumed by its document); false when none was waiting. */
    boolean remove(Slot slot) throws StoreException;

    /** Removes every manifest received before {@code cutoff}; returns how many. */
    int removeOlderThan(Instant cutoff) throws StoreException;
}
