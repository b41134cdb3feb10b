package org.treatyexchange.server.sftp;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpHelper;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.filing.FilingException;

/**
 * The one place where a failure becomes an SFTP status. Clients get the status code and a fixed or
 * deliberately written message — never an exception's own text, which could carry a host path or SQL.
 */
final class SafeStatus implements SftpErrorStatusDataHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SafeStatus.class);

    static DropBoxException toSftp(FilingException e) {
        return switch (e.reason()) {
            case TOO_LARGE, QUOTA_EXCEEDED -> new DropBoxException(SftpConstants.SSH_FX_QUOTA_EXCEEDED, e.getMessage());
            case FORBIDDEN -> DropBoxException.denied(e.getMessage());
            case NOT_FOUND -> DropBoxException.noSuchFile();
            case TAMPERED, UNAVAILABLE -> DropBoxException.failure(e.getMessage());
        };
    }

    @Override
    public int resolveSubStatus(SftpSubsystemEnvironment sftp, int id, Throwable e, int cmd, Object... args) {
        if (e instanceof DropBoxException d) {
            return d.status();
        }
        int status = SftpHelper.resolveSubstatus(e);
        if (status == SftpConstants.SSH_FX_FAILURE) {
            LOG.warn("SFTP command {} failed unexpectedly: {}", SftpConstants.getCommandMessageName(cmd), e.toString());
        }
        return status;
    }

    @Override
    public String resolveErrorMessage(SftpSubsystemEnvironment sftp, int id, Throwable e, int subStatus, int cmd, Object... args) {
        if (e instanceof DropBoxException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof InvalidPathException) {
            return "Invalid file name";
        }
        return SftpHelper.resolveStatusMessage(subStatus);
    }
}
