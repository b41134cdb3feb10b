package org.treatyexchange.server.sftp;

import java.io.IOException;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * A refused SFTP operation, carrying the SFTP status to send and a message that is safe to show the
 * client (no host path, no exception text).
 */
final class DropBoxException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    DropBoxException(int status, String safeMessage) {
        super(safeMessage);
        this.status = status;
    }

    int status() {
        return status;
    }

    static DropBoxException invalidName(String why) {
        return new DropBoxException(SftpConstants.SSH_FX_INVALID_FILENAME, why);
    }

    static DropBoxException denied(String why) {
        return new DropBoxException(SftpConstants.SSH_FX_PERMISSION_DENIED, why);
    }

    static DropBoxException noSuchFile() {
        return new DropBoxException(SftpConstants.SSH_FX_NO_SUCH_FILE, "No such file");
    }

    static DropBoxException failure(String why) {
        return new DropBoxException(SftpConstants.SSH_FX_FAILURE, why);
    }

    static DropBoxException unsupported(String why) {
        return new DropBoxException(SftpConstants.SSH_FX_OP_UNSUPPORTED, why);
    }
}
