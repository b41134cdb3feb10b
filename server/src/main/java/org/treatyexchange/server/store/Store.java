package org.treatyexchange.server.store;

import java.nio.file.Path;

/**
 * The metadata store. Every change happens inside {@link #inTransaction}: it commits durably
 * (the database log is on disk) before returning, or rolls back and throws.
 * No SQL exists outside this package and its sub-packages.
 */
public interface Store extends AutoCloseable {

    /** Runs work in one transaction and commits it; on any exception rolls back and rethrows. */
    <T> T inTransaction(TxWork<T> work) throws StoreException;

    /** Runs read-only work (still one consistent transaction). */
    <T> T read(TxWork<T> work) throws StoreException;

    /**
     * Writes an online, transactionally consistent copy of the database into {@code directory} (which
     * must not exist yet) while transactions go on. Embedded Derby only; a database server is backed
     * up with its own tools.
     *
     * @throws StoreException {@code UNAVAILABLE} when this store cannot, or the copy failed
     */
    void backup(Path directory) throws StoreException;

    /**
     * What makes a commit less than durable here (a test switch of Derby's, a PostgreSQL server running
     * without fsync or synchronous commit), in words for the operator; empty when a commit is on disk
     * when {@link #inTransaction} returns.
     */
    java.util.Optional<String> durabilityWeakness();

    /** Who sees each commit of the write path (the metrics); a store without group commit may ignore it. */
    default void observe(CommitObserver observer) {
    }

    /** Closes the database cleanly. */
    @Override
    void close();

    @FunctionalInterface
    interface TxWork<T> {
        T run(Tx tx) throws Exception;
    }
}
