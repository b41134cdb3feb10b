package org.treatyexchange.server.store;

/** Sees each database commit of the write path (for the metrics). Must be quick and must not throw. */
public interface CommitObserver {
    /**
     * @param works the units of work that shared this one transaction (group commit)
     * @param nanos how long the commit itself (the durable log flush) took
     */
    default void committed(int works, long nanos) {
    }
}
