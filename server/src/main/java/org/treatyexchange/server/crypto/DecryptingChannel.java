package org.treatyexchange.server.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import javax.crypto.SecretKey;

/**
 * Read-only plaintext view of a {@link SegmentedAead} blob. A read at any position decrypts only
 * the segment holding it (its offset is computed, nothing before it is read) and verifies that whole
 * segment before any of its bytes is copied out; while the reader goes in order, the next segments are
 * decrypted ahead on the vault's read-ahead pool ({@link ReadAheadSegments}, {@link ReadAhead}).
 * End of document is reported only after the final segment authenticated with last = 1.
 * Not thread-safe (like every {@link SeekableByteChannel} position).
 */
final class DecryptingChannel implements SeekableByteChannel {

    private final ReadAheadSegments segments;
    private final int segmentSize;
    private final long size;
    private long position;
    private boolean open = true;

    /**
     * @param blob the ciphertext, positioned anywhere; owned (closed) by this channel
     * @param size the plaintext size, already checked against the blob length
     */
    DecryptingChannel(SeekableByteChannel blob, SecretKey key, SegmentedAead.Header header, long size, ReadAhead readAhead) {
        this.segments = new ReadAheadSegments(blob, key, header, size, readAhead);
        this.segmentSize = header.segmentSize();
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            // Only an authenticated final segment proves this is the real end of the document.
            segments.segment(segments.lastIndex());
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long index = position / segmentSize;
            ReadAheadSegments.Slot segment = segments.segment(index);
            int offset = (int) (position - index * segmentSize);
            int n = Math.min(dst.remaining(), segment.length() - offset);
            dst.put(segment.plain(), offset, n);
            position += n;
            total += n;
        }
        return total;
    }

    /** For tests: segments decrypted or queued ahead of the one read last. */
    int segmentsAhead() {
        return segments.segmentsAhead();
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
            throw new IllegalArgumentException("negative position " + newPosition);
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
    public void close() throws IOException {
        if (open) {
            open = false;
            segments.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
