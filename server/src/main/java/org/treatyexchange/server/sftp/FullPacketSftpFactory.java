package org.treatyexchange.server.sftp;

import java.io.IOException;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/** MINA's SFTP subsystem, its replies sent in full SSH packets ({@link FullPacketOutput}). */
final class FullPacketSftpFactory extends SftpSubsystemFactory {

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        SftpSubsystem subsystem = new SftpSubsystem(channel, this) {
            @Override
            public void setIoOutputStream(IoOutputStream stream) {
                this.out = new FullPacketOutput(stream, getServerChannelSession());
            }
        };
        for (SftpEventListener listener : getRegisteredListeners()) {
            subsystem.addSftpEventListener(listener);
        }
        return subsystem;
    }
}
