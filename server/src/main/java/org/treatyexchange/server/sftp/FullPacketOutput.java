package org.treatyexchange.server.sftp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractInnerCloseable;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The SFTP subsystem's output, instead of MINA's {@code BufferedIoOutputStream}: it cuts the stream of
 * SFTP replies into SSH packets of the peer's maximum size, across reply boundaries, each built in a
 * packet buffer that MINA then encrypts in place.
 *
 * <p>Why (issue 22): a READ reply for the stock client's 32 KiB request is 32,781 bytes, 13 more than
 * the client's 32 KiB maximum packet, so MINA copied every reply once more (to send it in parts) and
 * sent a second, 13-byte packet after it: two allocations and copies per reply, and twice the packets,
 * each a round of encryption, socket write and completion. Here each reply is copied once, into
 * packets that are full whenever replies wait.
 *
 * <p>One packet is in flight at a time (MINA's channel stream allows no more); replies queue meanwhile,
 * bounded as MINA bounds them ({@code BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_SIZE}: a writer waits up to
 * {@code BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT} for the peer to take data, then fails). A reply's
 * future completes once its last byte was written; a failed write fails every queued reply and every
 * later one.
 */
final class FullPacketOutput extends AbstractInnerCloseable implements IoOutputStream {

    private record Pending(Buffer buffer, IoWriteFutureImpl future) {
    }

    private final IoOutputStream out;
    private final Channel channel;
    private final Object id;
    private final int maxPendingBytes;
    private final Duration maxWait;
    private final Object lock = new Object();
    private final Deque<Pending> queue = new ArrayDeque<>();
    private long pendingBytes;
    private boolean writing;
    private IOException failure;

    FullPacketOutput(IoOutputStream out, Channel channel) {
        this.out = out;
        this.channel = channel;
        this.id = "sftp-out@" + channel.getChannelId();
        this.maxPendingBytes = CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_SIZE.getRequired(channel);
        this.maxWait = CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.getRequired(channel);
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        if (isClosing()) {
            throw new EOFException("SFTP output closed");
        }
        int size = buffer.available();
        if (size == 0) {
            return AbstractIoWriteFuture.fulfilled(id, Boolean.TRUE);
        }
        IoWriteFutureImpl future = new IoWriteFutureImpl(id, buffer);
        synchronized (lock) {
            awaitRoom(size);
            pendingBytes += size;
            queue.add(new Pending(buffer, future));
        }
        writeNext();
        return future;
    }

    /** As MINA's buffered stream: one write may exceed the bound when nothing else is pending. */
    private void awaitRoom(int size) throws IOException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (failure == null && pendingBytes > 0 && pendingBytes + size > maxPendingBytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                failure = new IOException("SFTP output: the peer took no data for " + maxWait.toSeconds() + " s");
                break;
            }
            try {
                lock.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the peer to take data");
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Starts the next packet unless one is in flight: as many queued bytes as one packet holds. */
    private void writeNext() {
        Buffer packet;
        List<IoWriteFutureImpl> finished = new ArrayList<>();
        int taken;
        synchronized (lock) {
            if (writing || queue.isEmpty() || failure != null) {
                return;
            }
            long max = channel.getRemoteWindow().getPacketSize();
            int length = (int) Math.min(max, pendingBytes);
            // a packet buffer with the header, command, recipient and length in front: MINA sends it as it is
            packet = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, length + 8);
            packet.putUInt(0); // recipient, filled in by MINA
            packet.putUInt(0); // data length, filled in by MINA
            packet.rpos(packet.wpos());
            taken = 0;
            while (taken < length) {
                Pending head = queue.peek();
                Buffer b = head.buffer();
                int n = Math.min(length - taken, b.available());
                packet.putRawBytes(b.array(), b.rpos(), n);
                b.rpos(b.rpos() + n);
                taken += n;
                if (b.available() == 0) {
                    queue.poll();
                    finished.add(head.future());
                }
            }
            writing = true;
        }
        int written = taken;
        try {
            out.writeBuffer(packet).addListener(f -> done(finished, written, f.isWritten() ? null : f.getException()));
        } catch (IOException | RuntimeException e) {
            done(finished, written, e);
        }
    }

    private void done(List<IoWriteFutureImpl> finished, int written, Throwable error) {
        List<IoWriteFutureImpl> failed = new ArrayList<>();
        IOException failedWith;
        synchronized (lock) {
            writing = false;
            pendingBytes -= written;
            if (error != null && failure == null) {
                failure = error instanceof IOException io ? io : new IOException("SFTP output failed", error);
            }
            if (failure != null) {
                for (Pending p : queue) {
                    failed.add(p.future());
                }
                queue.clear();
                pendingBytes = 0;
            }
            failedWith = failure;
            lock.notifyAll();
        }
        for (IoWriteFutureImpl f : finished) {
            f.setValue(error == null ? Boolean.TRUE : error);
        }
        for (IoWriteFutureImpl f : failed) {
            f.setValue(failedWith);
        }
        if (error == null) {
            writeNext();
        }
    }

    @Override
    protected Closeable getInnerCloseable() {
        return builder().close(out).build();
    }
}
