package org.treatyexchange.server.filing;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.Refusal;

/**
 * What a client is told when a document cannot be stored: "storage full" (retry later; nothing is wrong
 * with the document) or "unavailable". Java reports a full disk only by the operating system's text
 * (ENOSPC), anywhere in the chain of causes.
 */
final class StorageFailures {

    private static final Logger LOG = LoggerFactory.getLogger(StorageFailures.class);

    private StorageFailures() {
    }

    /** Whether {@code e} or one of its causes is a full disk. */
    static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    /** The audit reason of a failed write. */
    static String reason(Throwable e) {
        return isFull(e) ? "storage-full" : "storage-failure";
    }

    /** The refusal for a document that could not be written. */
    static Refusal refusal(IOException e) {
        if (isFull(e)) {
            LOG.error("the document store is full: an upload was refused and discarded");
            return new Refusal(Refusal.Reason.STORAGE_FULL, "the server's storage is full; nothing was kept; try again later", e);
        }
        LOG.error("a document could not be written ({})", e.getClass().getSimpleName());
        return new Refusal(Refusal.Reason.UNAVAILABLE, "the document could not be stored; nothing was kept", e);
    }
}
