package org.treatyexchange.server.sftp;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Server sessions that enforce the order of the SSH layers (RFC 4253 §7, RFC 4252 §6): before the
 * first key exchange has finished only transport messages (1..49) are accepted, and before
 * authentication no connection-layer message (80 and above). Anything else is a protocol error and
 * the connection is dropped at once, instead of being ignored or queued until the authentication
 * timeout while it holds a pre-authentication slot.
 */
final class OrderedProtocolSessions extends SessionFactory {

    static final int LAST_TRANSPORT_MESSAGE = 49;
    static final int FIRST_CONNECTION_MESSAGE = 80;

    OrderedProtocolSessions(ServerFactoryManager server) {
        super(server);
    }

    @Override
    protected ServerSessionImpl doCreateSession(IoSession io) throws Exception {
        return new ServerSessionImpl(getServer(), io) {
            @Override
            protected void handleMessage(Buffer buffer) throws Exception {
                int cmd = buffer.rawByte(buffer.rpos()) & 0xFF;
                String refusal = null;
                if (!initialKexDone && cmd > LAST_TRANSPORT_MESSAGE) {
                    refusal = "message " + cmd + " before the key exchange";
                } else if (!isAuthenticated() && cmd >= FIRST_CONNECTION_MESSAGE) {
                    refusal = "message " + cmd + " before authentication";
                }
                if (refusal != null) {
                    log.debug("{}: {}; disconnecting", this, refusal);
                    disconnect(SshConstants.SSH2_DISCONNECT_PROTOCOL_ERROR, refusal);
                    return;
                }
                super.handleMessage(buffer);
            }
        };
    }
}
