package org.treatyexchange.server.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.function.LongConsumer;
import org.treatyexchange.server.store.blob.BlobStore;

/** A blob store that tells the metrics how long each document's durable commit took; otherwise the store itself. */
final class TimedBlobStore implements BlobStore {
    private final BlobStore delegate;
    private final LongConsumer commitNanos;

    TimedBlobStore(BlobStore delegate, LongConsumer commitNanos) {
        this.delegate = delegate;
        this.commitNanos = commitNanos;
    }

    @Override
    public Writer create() throws IOException {
        Writer w = delegate.create();
        return new Writer() {
            @Override
            public String blobId() {
                return w.blobId();
            }

            @Override
            public OutputStream stream() {
                return w.stream();
            }

            @Override
            public void commit() throws IOException {
                long start = System.nanoTime();
                w.commit();
                commitNanos.accept(System.nanoTime() - start);
            }

            @Override
            public void abort() {
                w.abort();
            }

            @Override
            public void close() {
                w.close();
            }
        };
    }

    @Override
    public SeekableByteChannel open(String blobId) throws IOException {
        return delegate.open(blobId);
    }

    @Override
    public InputStream openStream(String blobId) throws IOException {
        return delegate.openStream(blobId);
    }

    @Override
    public boolean exists(String blobId) throws IOException {
        return delegate.exists(blobId);
    }

    @Override
    public long size(String blobId) throws IOException {
        return delegate.size(blobId);
    }

    @Override
    public List<String> list() throws IOException {
        return delegate.list();
    }

    @Override
    public List<String> orphanCandidates() throws IOException {
        return delegate.orphanCandidates();
    }

    @Override
    public void delete(String blobId) throws IOException {
        delegate.delete(blobId);
    }

    @Override
    public void restore(String blobId, InputStream content) throws IOException {
        delegate.restore(blobId, content);
    }

    @Override
    public java.util.OptionalLong usableSpace() throws IOException {
        return delegate.usableSpace();
    }

    @Override
    public int removeTemporaries() throws IOException {
        return delegate.removeTemporaries();
    }
}
