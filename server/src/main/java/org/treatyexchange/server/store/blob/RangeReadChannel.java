package org.treatyexchange.server.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A read-only, seekable view of one object: each read outside the window in memory fetches the next
 * window with a range request, so a sequential reader makes one request per window and a reader that
 * seeks (the vault reading a segment) fetches only around where it reads.
 */
final class RangeReadChannel implements SeekableByteChannel {

    static final int WINDOW = 4 << 20;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String name;
    private final long size;
    private byte[] window = new byte[0];
    private long windowStart;
    private long position;
    private boolean open = true;

    RangeReadChannel(S3Client s3, String bucket, String key, String name, long size) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.name = name;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        if (position < windowStart || position >= windowStart + window.length) {
            fetch(position);
        }
        int offset = (int) (position - windowStart);
        int n = Math.min(dst.remaining(), window.length - offset);
        dst.put(window, offset, n);
        position += n;
        return n;
    }

    private void fetch(long from) throws IOException {
        long last = Math.min(size, from + WINDOW) - 1;
        byte[] bytes = new byte[(int) (last - from + 1)];
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + from + "-" + last))) {
            int got = in.readNBytes(bytes, 0, bytes.length);
            if (got != bytes.length) {
                throw new IOException(name + " ended at " + (from + got) + " of " + size + " bytes");
            }
        } catch (SdkException e) {
            throw ObjectStoreBlobs.failed("cannot read " + name, e);
        }
        window = bytes;
        windowStart = from;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        window = new byte[0];
    }

    private void ensureOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
