package org.treatyexchange.server.recovery;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.blob.BlobStore;

/**
 * What start-up clears after a crash, before any channel accepts work. A document is committed to the
 * blob store before the database transaction that records it, so a crash in between leaves a
 * committed blob that no record (no {@code document_key} row) refers to: nothing was acknowledged for
 * it, and it is removed here together with unfinished temporaries. Releases need no resuming: a
 * release and every distribution it makes commit in one transaction, and each (filing, State)
 * distribution is unique in the database, so a crash leaves either all of it or none.
 *
 * <p>On an object store shared by several nodes, only blobs older than the store's grace period are
 * candidates ({@link BlobStore#orphanCandidates()}): another node's just-committed document, whose
 * filing is about to be recorded, is not an orphan.
 */
public final class StartupRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

    /** What was cleared. */
    public record Report(int temporaries, int orphans) {
    }

    private StartupRecovery() {
    }

    /** Removes temporaries and orphaned documents; must run before the channels start. */
    public static Report run(Store store, BlobStore blobs) throws IOException, StoreException {
        int temporaries = blobs.removeTemporaries();
        Set<String> referenced = new HashSet<>(store.read(tx -> tx.documentKeys().allBlobIds()));
        List<String> orphans = blobs.orphanCandidates().stream().filter(id -> !referenced.contains(id)).toList();
        for (String id : orphans) {
            blobs.delete(id);
        }
        Report report = new Report(temporaries, orphans.size());
        if (temporaries > 0 || !orphans.isEmpty()) {
            LOG.info("start-up recovery: removed {} unfinished upload(s) and {} unrecorded document(s) left by an earlier stop",
                    temporaries, orphans.size());
        }
        return report;
    }
}
