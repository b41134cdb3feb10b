package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Sends one SFTP channel's replies as SSH packets, written on the SFTP thread: replies are packed into
 * packets of the peer's maximum size across reply boundaries, and a packet is encrypted and queued to
 * the socket as soon as it is full, or when the subsystem has no further request waiting ({@link
 * #write} with {@code flush}), so a reply is never held back for a request that has not come.
 *
 * <p>Why (issue 22): MINA's asynchronous channel stream keeps one packet in flight per channel and
 * encrypts the next only once the previous one reached the socket, and a READ reply for the stock
 * client's 32 KiB request is 13 bytes larger than its 32 KiB maximum packet, so every reply was copied
 * once more to be split and sent as a full packet and a 13-byte one. Here each reply is copied once,
 * into packet buffers MINA encrypts in place, and packets follow one another into the session's write
 * queue as the peer's window allows, as MINA's own blocking channel stream does: the bytes outstanding
 * are bounded by that window; the SFTP thread waits for window when it is spent (up to {@code
 * WINDOW_TIMEOUT}, or {@code BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT} as before when that is unset). One SFTP thread per channel uses it; not thread-safe.
 */
final class ReplyPackets {

    private static final int DATA_OFFSET = SshConstants.SSH_PACKET_HEADER_LEN + 1 + 4 + 4; // header, command, recipient, length

    private final Channel channel;
    private final RemoteWindow window;
    private final Duration maxWait;
    private Buffer packet;
    private int packetCapacity;

    ReplyPackets(Channel channel) {
        this.channel = channel;
        this.window = channel.getRemoteWindow();
        Duration windowTimeout = CoreModuleProperties.WINDOW_TIMEOUT.getRequired(channel);
        // MINA's default (zero) waits for ever; a peer that takes nothing is given as long as MINA's buffered stream gave it
        this.maxWait = windowTimeout.isZero() || windowTimeout.isNegative()
                ? CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.getRequired(channel) : windowTimeout;
    }

    /** Appends {@code len} bytes of replies; with {@code flush}, also sends what is packed so far. */
    void write(byte[] bytes, int off, int len, boolean flush) throws IOException {
        while (len > 0) {
            if (packet == null) {
                newPacket();
            }
            int n = Math.min(len, packetCapacity - (packet.wpos() - DATA_OFFSET));
            packet.putRawBytes(bytes, off, n);
            off += n;
            len -= n;
            if (packet.wpos() - DATA_OFFSET == packetCapacity) {
                send();
            }
        }
        if (flush) {
            flush();
        }
    }

    /** Sends what is packed so far. */
    void flush() throws IOException {
        if (packet != null && packet.wpos() > DATA_OFFSET) {
            send();
        }
    }

    private void newPacket() {
        packetCapacity = (int) Math.max(1, Math.min(window.getPacketSize(), Integer.MAX_VALUE - 64));
        packet = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, packetCapacity + 8);
        packet.wpos(DATA_OFFSET);
    }

    /** Sends the packed data, in parts if the peer's window is smaller than it. */
    private void send() throws IOException {
        Buffer full = packet;
        packet = null;
        int length = full.wpos() - DATA_OFFSET;
        int sent = 0;
        try {
            while (sent < length) {
                channel.getSession().resetIdleTimeout();
                long room = window.waitForSpace(maxWait);
                int chunk = (int) Math.min(room, length - sent);
                Buffer out;
                if (sent == 0 && chunk == length) {
                    out = full; // the usual case: the whole packet, no copy
                } else {
                    out = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, chunk + 8);
                    out.wpos(DATA_OFFSET);
                    out.putRawBytes(full.array(), DATA_OFFSET + sent, chunk);
                }
                int end = out.wpos();
                out.wpos(SshConstants.SSH_PACKET_HEADER_LEN + 1);
                out.putUInt(channel.getRecipient());
                out.putUInt(chunk);
                out.wpos(end);
                window.waitAndConsume(chunk, maxWait);
                channel.writePacket(out);
                sent += chunk;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the peer's window");
        }
    }
}
