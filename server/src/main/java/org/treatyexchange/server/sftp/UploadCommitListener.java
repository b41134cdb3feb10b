package org.treatyexchange.server.sftp;

import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;

/**
 * Marks an upload for commit when — and only when — the client itself sends CLOSE for its handle.
 * MINA closes the same handles when a connection dies; those closes must discard, not file.
 */
final class UploadCommitListener implements SftpEventListener {
    @Override
    public void closing(ServerSession session, String remoteHandle, Handle localHandle) {
        if (localHandle instanceof FileHandle fh && fh.getFileChannel() instanceof CommitOnClose upload) {
            upload.commitOnClose();
        }
    }
}
