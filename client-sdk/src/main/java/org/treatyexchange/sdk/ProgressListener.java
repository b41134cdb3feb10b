package org.treatyexchange.sdk;

/**
 * Told how a transfer advances (for a progress bar). Called on the transferring thread, at most every
 * 64 KiB; must be quick and must not throw. A retried transfer starts again from 0.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Tells nothing. */
    ProgressListener NONE = (name, done, total) -> {
    };

    /**
     * @param name  the file being transferred
     * @param done  bytes transferred so far
     * @param total bytes in all, or -1 when unknown
     */
    void transferred(String name, long done, long total);
}
