package org.treatyexchange.server.crypto;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * The authenticated segments of one open document: the one the reader is at, and, while it reads in
 * order, the next {@link ReadAhead#depth} ones decrypted ahead on the read-ahead pool.
 *
 * <p>Segment {@code i} lives in slot {@code i mod ring}. Each slot's state is guarded by its own
 * monitor; its buffers belong to whoever put it in {@code LOADING} (a pool task or the reader) until
 * it leaves that state, and to the reader once {@code READY}. A slot's plaintext is handed out only
 * after its whole segment authenticated ({@link SegmentedAead#open}); a segment that fails is kept as
 * {@code FAILED} and its failure is raised when, and only when, the reader asks for that segment, as
 * on the serial path. A task that finds its slot taken back by the reader (who does not wait for a
 * queued task) or the document closed does nothing. {@link #close()} waits for a running task, wipes
 * every buffer and gives the budget back. One reader thread; tasks on the pool.
 */
final class ReadAheadSegments implements Closeable {

    private enum State { EMPTY, QUEUED, LOADING, READY, FAILED }

    /** One segment's buffers; read {@link #plain} up to {@link #length} only as returned by {@link #segment}. */
    static final class Slot {
        private State state = State.EMPTY;
        private long index = -1;
        private boolean taskSubmitted;
        private IOException failure;
        private int length;
        private byte[] sealed;
        private byte[] plain;
        private Cipher cipher;

        byte[] plain() {
            return plain;
        }

        int length() {
            return length;
        }

        /** Empty again; the plaintext stays until overwritten by the next segment or wiped at close. */
        private void clear() {
            state = State.EMPTY;
            index = -1;
            failure = null;
            length = 0;
        }

        private void wipe() {
            clear();
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private final SeekableByteChannel blob;
    private final Object blobLock = new Object();
    private final SecretKey key;
    private final SegmentedAead.Header header;
    private final long size;
    private final long lastIndex;
    private final ReadAhead readAhead;
    private final Slot[] slots;
    /** 1 until the reader holds budget for read-ahead, then depth + 1; never shrinks. */
    private int ring = 1;
    private int permits;
    private long lastServed = -1;
    private volatile boolean closed;

    ReadAheadSegments(SeekableByteChannel blob, SecretKey key, SegmentedAead.Header header, long size, ReadAhead readAhead) {
        this.blob = blob;
        this.key = key;
        this.header = header;
        this.size = size;
        this.lastIndex = SegmentedAead.segmentCount(size, header.segmentSize()) - 1;
        this.readAhead = readAhead;
        this.slots = new Slot[readAhead.depth + 1];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    long lastIndex() {
        return lastIndex;
    }

    /** Segment {@code index}, authenticated; valid until the next call. */
    Slot segment(long index) throws IOException {
        boolean inOrder = index == lastServed || index == lastServed + 1;
        Slot slot = slots[(int) (index % ring)];
        boolean load = false;
        synchronized (slot) {
            awaitNotLoading(slot);
            if (slot.index == index && slot.state == State.READY) {
                // decrypted ahead, or still the current one
            } else if (slot.index == index && slot.state == State.FAILED) {
                IOException failure = slot.failure;
                slot.clear(); // asked again, it is read and checked again
                throw again(failure);
            } else {
                // empty, another segment's, or queued: a queued task finds LOADING and steps aside
                slot.state = State.LOADING;
                slot.index = index;
                load = true;
            }
        }
        if (load) {
            loadAndPublish(slot, index);
            synchronized (slot) {
                if (slot.state == State.FAILED) {
                    IOException failure = slot.failure;
                    slot.clear();
                    throw failure; // this thread's own load: its exception as it was
                }
            }
        }
        lastServed = index;
        if (inOrder && index < lastIndex && readAhead.depth > 0) {
            readAheadFrom(index + 1, slot);
        }
        return slot;
    }

    /** Queues segments from {@code first} on, never into {@code current}, which the reader is about to copy from. */
    private void readAheadFrom(long first, Slot current) {
        if (ring == 1) {
            if (!readAhead.budget.tryAcquire(readAhead.depth)) {
                return; // the vault's read-ahead memory is in use: this reader decrypts in series for now
            }
            permits = readAhead.depth;
            ring = readAhead.depth + 1;
        }
        long last = Math.min(lastIndex, first + readAhead.depth - 1);
        for (long i = first; i <= last; i++) {
            Slot slot = slots[(int) (i % ring)];
            if (slot == current) {
                continue; // only right after the ring grew: the current segment still sits in slot 0
            }
            boolean submit;
            synchronized (slot) {
                if (slot.index == i && slot.state != State.EMPTY) {
                    continue; // queued, loading, ready or failed already
                }
                if (slot.state == State.LOADING) {
                    continue; // busy with an older segment: the reader will load this one itself if it must
                }
                slot.clear();
                slot.state = State.QUEUED;
                slot.index = i;
                submit = !slot.taskSubmitted;
                slot.taskSubmitted = true;
            }
            if (submit) {
                try {
                    readAhead.executor.execute(() -> runTask(slot));
                } catch (RejectedExecutionException e) {
                    synchronized (slot) {
                        slot.taskSubmitted = false;
                        if (slot.state == State.QUEUED) {
                            slot.clear();
                        }
                    }
                    return;
                }
            }
        }
    }

    /** On the pool: loads whatever segment the slot is queued for, unless the reader took it back or closed. */
    private void runTask(Slot slot) {
        long index;
        synchronized (slot) {
            slot.taskSubmitted = false;
            if (closed || slot.state != State.QUEUED) {
                return;
            }
            slot.state = State.LOADING;
            index = slot.index;
        }
        loadAndPublish(slot, index);
    }

    /** Called by the one that set LOADING; leaves the slot READY or FAILED and wakes waiters. */
    private void loadAndPublish(Slot slot, long index) {
        IOException failure = null;
        int length = 0;
        try {
            length = load(slot, index);
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException("document segment " + index + " could not be read: " + e.getClass().getSimpleName(), e);
        }
        synchronized (slot) {
            if (failure == null) {
                slot.state = State.READY;
                slot.length = length;
            } else {
                if (slot.plain != null) {
                    Arrays.fill(slot.plain, (byte) 0);
                }
                slot.state = State.FAILED;
                slot.failure = failure;
            }
            slot.notifyAll();
        }
    }

    private int load(Slot slot, long index) throws IOException {
        int segmentSize = header.segmentSize();
        if (slot.plain == null) {
            slot.sealed = new byte[segmentSize + SegmentedAead.TAG_LENGTH];
            slot.plain = new byte[segmentSize + SegmentedAead.TAG_LENGTH];
            try {
                slot.cipher = SegmentedAead.newCipher();
            } catch (GeneralSecurityException e) {
                throw new IOException("document decryption unavailable: " + e.getMessage(), e);
            }
        }
        boolean last = index == lastIndex;
        int plainLength = last ? (int) (size - index * segmentSize) : segmentSize;
        int sealedLength = plainLength + SegmentedAead.TAG_LENGTH;
        ByteBuffer into = ByteBuffer.wrap(slot.sealed, 0, sealedLength);
        synchronized (blobLock) {
            if (closed) {
                throw new IOException("document closed");
            }
            blob.position(SegmentedAead.segmentOffset(index, segmentSize));
            while (into.hasRemaining()) {
                if (blob.read(into) < 0) {
                    throw new TamperedDocumentException("document is truncated in segment " + index);
                }
            }
        }
        int n = SegmentedAead.open(slot.cipher, key, header, index, last, slot.sealed, sealedLength, slot.plain);
        if (n != plainLength) {
            throw new TamperedDocumentException("document segment " + index + " has the wrong length");
        }
        return n;
    }

    private static void awaitNotLoading(Slot slot) throws InterruptedIOException {
        while (slot.state == State.LOADING) {
            try {
                slot.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while a document segment was decrypted");
            }
        }
    }

    /** A failure of a task, raised on the reader's thread with the same kind and message. */
    private static IOException again(IOException failure) {
        if (failure instanceof TamperedDocumentException) {
            TamperedDocumentException e = new TamperedDocumentException(failure.getMessage());
            e.addSuppressed(failure);
            return e;
        }
        return new IOException(failure.getMessage(), failure);
    }

    /** Stops read-ahead, waits for a task still decrypting, wipes the plaintext, returns the budget; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = false;
        for (Slot slot : slots) {
            synchronized (slot) {
                while (slot.state == State.LOADING) {
                    try {
                        slot.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the wipe must still happen
                    }
                }
                slot.wipe();
            }
        }
        if (permits > 0) {
            readAhead.budget.release(permits);
            permits = 0;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (blobLock) {
            blob.close();
        }
    }

    /** For tests: segments this document holds decrypted or has queued, beyond the one served last. */
    int segmentsAhead() {
        int n = 0;
        for (Slot slot : slots) {
            synchronized (slot) {
                if (slot.index > lastServed && slot.state != State.EMPTY) {
                    n++;
                }
            }
        }
        return n;
    }
}
