package org.treatyexchange.server.sftp;

import java.io.IOException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * MINA's SFTP subsystem, its replies sent in full SSH packets by the SFTP thread ({@link ReplyPackets})
 * instead of through MINA's buffered asynchronous stream.
 */
final class FullPacketSftpFactory extends SftpSubsystemFactory {

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        SftpSubsystem subsystem = new PackedSftpSubsystem(channel, this);
        for (SftpEventListener listener : getRegisteredListeners()) {
            subsystem.addSftpEventListener(listener);
        }
        return subsystem;
    }

    /** Named, because MINA names the channel's thread after the class: "PackedSftpSubsystem-…". */
    private static final class PackedSftpSubsystem extends SftpSubsystem {
        private ReplyPackets packets;

        PackedSftpSubsystem(ChannelSession channel, SftpSubsystemFactory factory) {
            super(channel, factory);
        }

        @Override
        protected void send(Buffer buffer) throws IOException {
            if (packets == null) {
                packets = new ReplyPackets(getServerChannelSession());
            }
            BufferUtils.updateLengthPlaceholder(buffer, 0);
            // The tail of a DATA reply (it overflows the client's packet by its 13-byte header) waits for the
            // next reply when another request is already queued; every other reply goes out at once, so
            // acknowledgements of an upload are never held back.
            boolean data = buffer.available() > 4 && buffer.array()[buffer.rpos() + 4] == SftpConstants.SSH_FXP_DATA;
            packets.write(buffer.array(), buffer.rpos(), buffer.available(), !data || requests.isEmpty());
        }

        @Override
        protected void closeAllHandles() {
            try {
                if (packets != null) {
                    packets.flush(); // a tail held for a request that will not be served now
                }
            } catch (IOException e) {
                // the channel is going away: nothing more can be said to the client
            }
            super.closeAllHandles();
        }
    }
}
