package org.treatyexchange.server.sftp;

import java.io.IOException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a channel only while its session holds fewer than {@code max}. Each SFTP channel costs a thread, its own
 * handle limit and a receive window of queued bytes, so one authenticated client must not open them without end.
 *
 * <p>Refusing here, before MINA registers the channel, answers with SSH_MSG_CHANNEL_OPEN_FAILURE and leaves the
 * session and its other channels running. MINA's own cap ({@code max-sshd-channels}) throws while registering,
 * which closes the whole session and with it any upload in progress.
 */
final class ChannelCap implements ChannelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelCap.class);

    private final ChannelFactory channels;
    private final int max;

    ChannelCap(ChannelFactory channels, int max) {
        this.channels = channels;
        this.max = max;
    }

    @Override
    public String getName() {
        return channels.getName();
    }

    @Override
    public Channel createChannel(Session session) throws IOException {
        AbstractConnectionService connection = session.getService(AbstractConnectionService.class);
        if (connection == null || connection.getChannels().size() >= max) {
            LOG.warn("refused a {} channel on session {}: at most {} open at once", getName(), session.getIoSession().getId(), max);
            return null; // MINA answers SSH_MSG_CHANNEL_OPEN_FAILURE
        }
        return channels.createChannel(session);
    }
}
