package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpEventListener;

/**
 * Keeps "a login whose audit row cannot be written does not proceed" now that the row is written off
 * MINA's I/O thread: the SFTP subsystem answers the client's INIT — before which it serves no request —
 * only once that row is committed. It waits here on the channel's own SFTP thread, which may block; if
 * the row fails or takes longer than the login timeout, the session is closed.
 */
final class LoginAuditGate implements SftpEventListener {
    private final Duration wait;

    LoginAuditGate(Duration wait) {
        this.wait = wait;
    }

    @Override
    public void initialized(ServerSession session, int version) throws IOException {
        CompletableFuture<Void> audited = session.getAttribute(SftpService.LOGIN_AUDITED);
        try {
            if (audited == null) {
                throw new IOException("no login audit for this session");
            }
            audited.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            session.close(true);
            throw new IOException("the login could not be audited", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close(true);
            throw new IOException("interrupted while the login was audited", e);
        } catch (IOException e) {
            session.close(true);
            throw e;
        }
    }
}
