package org.treatyexchange.server.store.blob;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

/**
 * Opaque, immutable byte objects (already encrypted by the crypto package): written once through a
 * {@link Writer}, visible only after {@link Writer#commit()}, never modified.
 */
public interface BlobStore {

    /** Starts a new blob under a fresh random id. Nothing is visible until commit. */
    Writer create() throws IOException;

    /** Opens a committed blob for random-access reading. */
    SeekableByteChannel open(String blobId) throws IOException;

    InputStream openStream(String blobId) throws IOException;

    boolean exists(String blobId) throws IOException;

    long size(String blobId) throws IOException;

    /** Every committed blob id. */
    List<String> list() throws IOException;

    /**
     * Committed blobs old enough that no filing being recorded right now can still come to refer to
     * them: every blob of a store this node owns alone; of a store shared by several nodes, those
     * committed before its grace period (another node may be between its blob's commit and its
     * filing's). Start-up recovery deletes those of them that no record refers to.
     */
    List<String> orphanCandidates() throws IOException;

    /** Removes a committed blob; used only to clear orphans that no record refers to. */
    void delete(String blobId) throws IOException;

    /**
     * Writes a blob under a given id, durably, as {@link Writer#commit()} does: for restoring a backup
     * (ids must survive, the database refers to them). Refuses an id that exists.
     */
    void restore(String blobId, InputStream content) throws IOException;

    /**
     * Bytes still free for new documents, where the store can say (a local disk); empty where it cannot
     * (an object store). Not a default method: a decorator that forgot to forward it would switch the
     * free-space reserve off without a sound.
     */
    java.util.OptionalLong usableSpace() throws IOException;

    /** Removes every uncommitted temporary left by a crash; returns how many. */
    int removeTemporaries() throws IOException;

    interface Writer extends Closeable {
        String blobId();

        OutputStream stream();

        /** Makes the blob durable (fsync of data and directory) and visible under its id. */
        void commit() throws IOException;

        /** Discards everything written; also what {@link #close()} does before a commit. */
        void abort();

        @Override
        default void close() {
            abort();
        }
    }
}
