package org.treatyexchange.server.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Read-only plaintext view of a {@link SegmentedAead} blob. A read at any position decrypts only
 * the segment holding it (its offset is computed, nothing before it is read), verifies that whole
 * segment, and keeps it as the one cached segment, so sequential reads decrypt each segment once.
 * End of document is reported only after the final segment authenticated with last = 1.
 * Not thread-safe (like every {@link SeekableByteChannel} position).
 */
final class DecryptingChannel implements SeekableByteChannel {

    private final SeekableByteChannel blob;
    private final SecretKey key;
    private final SegmentedAead.Header header;
    private final long size;
    private final long lastIndex;
    private final Cipher cipher;
    private final byte[] sealed;
    private final byte[] plain;
    private long cachedIndex = -1;
    private int cachedLength;
    private long position;
    private boolean open = true;

    /**
     * @param blob the ciphertext, positioned anywhere; owned (closed) by this channel
     * @param size the plaintext size, already checked against the blob length
     */
    DecryptingChannel(SeekableByteChannel blob, SecretKey key, SegmentedAead.Header header, long size)
            throws IOException {
        this.blob = blob;
        this.key = key;
        this.header = header;
        this.size = size;
        this.lastIndex = SegmentedAead.segmentCount(size, header.segmentSize()) - 1;
        try {
            this.cipher = SegmentedAead.newCipher();
        } catch (GeneralSecurityException e) {
            throw new IOException("document decryption unavailable: " + e.getMessage(), e);
        }
        this.sealed = new byte[header.segmentSize() + SegmentedAead.TAG_LENGTH];
        this.plain = new byte[header.segmentSize() + SegmentedAead.TAG_LENGTH];
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            // Only an authenticated final segment proves this is the real end of the document.
            load(lastIndex);
            return -1;
        }
        int total = 0;
        int segmentSize = header.segmentSize();
        while (dst.hasRemaining() && position < size) {
            long index = position / segmentSize;
            load(index);
            int offset = (int) (position - index * segmentSize);
            int n = Math.min(dst.remaining(), cachedLength - offset);
            dst.put(plain, offset, n);
            position += n;
            total += n;
        }
        return total;
    }

    private void load(long index) throws IOException {
        if (index == cachedIndex) {
            return;
        }
        cachedIndex = -1;
        int segmentSize = header.segmentSize();
        boolean last = index == lastIndex;
        int plainLength = last ? (int) (size - index * segmentSize) : segmentSize;
        int sealedLength = plainLength + SegmentedAead.TAG_LENGTH;
        blob.position(SegmentedAead.segmentOffset(index, segmentSize));
        ByteBuffer into = ByteBuffer.wrap(sealed, 0, sealedLength);
        while (into.hasRemaining()) {
            if (blob.read(into) < 0) {
                throw new TamperedDocumentException("document is truncated in segment " + index);
            }
        }
        int n = SegmentedAead.open(cipher, key, header, index, last, sealed, sealedLength, plain);
        if (n != plainLength) {
            throw new TamperedDocumentException("document segment " + index + " has the wrong length");
        }
        cachedIndex = index;
        cachedLength = n;
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
            cachedIndex = -1;
            Arrays.fill(plain, (byte) 0);
            blob.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
