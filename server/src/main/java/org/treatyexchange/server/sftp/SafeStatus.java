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
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.filing.FilingException;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * The one place where a failure becomes an SFTP status. Clients get the status code and a fixed or
 * deliberately written message — never an exception's own text, which could carry a host path or SQL.
 */
final class SafeStatus implements SftpErrorStatusDataHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SafeStatus.class);

    private final AuditLog audit;
    private final Store store;

    SafeStatus(AuditLog audit, Store store) {
        this.audit = audit;
        this.store = store;
    }

    static DropBoxException toSftp(FilingException e) {
        return switch (e.reason()) {
            case TOO_LARGE, QUOTA_EXCEEDED -> new DropBoxException(SftpConstants.SSH_FX_QUOTA_EXCEEDED, e.getMessage());
            case FORBIDDEN -> DropBoxException.denied(e.getMessage());
            case INVALID -> new DropBoxException(SftpConstants.SSH_FX_INVALID_PARAMETER, e.getMessage());
            case NOT_FOUND -> DropBoxException.noSuchFile();
            case TAMPERED, UNAVAILABLE -> DropBoxException.failure(e.getMessage());
        };
    }

    @Override
    public int resolveSubStatus(SftpSubsystemEnvironment sftp, int id, Throwable e, int cmd, Object... args) {
        int status = e instanceof DropBoxException d ? d.status() : SftpHelper.resolveSubstatus(e);
        if (status == SftpConstants.SSH_FX_FAILURE && !(e instanceof DropBoxException)) {
            LOG.warn("SFTP command {} failed unexpectedly: {}", SftpConstants.getCommandMessageName(cmd), e.toString());
        }
        if (!isLookupMiss(status, cmd)) {
            auditRefusal(sftp, e, status, cmd, args);
        }
        return status;
    }

    /**
     * "No such file" for a lookup that changes nothing is an answer, not a refusal: every client asks
     * whether a file exists before it writes it (the stock {@code sftp} stats each file it puts). It
     * is not audited: that was one audit event and one durable commit per uploaded file (bench part b).
     */
    static boolean isLookupMiss(int status, int cmd) {
        return status == SftpConstants.SSH_FX_NO_SUCH_FILE && (cmd == SftpConstants.SSH_FXP_STAT
                || cmd == SftpConstants.SSH_FXP_LSTAT || cmd == SftpConstants.SSH_FXP_REALPATH);
    }

    /** Every refused SFTP request is an audit event: who, from where, which command, on what, and why (lookup misses aside). */
    private void auditRefusal(SftpSubsystemEnvironment sftp, Throwable e, int status, int cmd, Object... args) {
        SessionIdentity id = sftp.getServerSession().getAttribute(SftpService.IDENTITY);
        String subject = args != null && args.length > 0 && args[0] != null ? String.valueOf(args[0]) : "-";
        try {
            audit.record(store, AuditEvent.refused("sftp.refused", id == null ? "-" : id.account(), id == null ? "-" : id.source(), subject)
                    .withDetail("command", SftpConstants.getCommandMessageName(cmd))
                    .withDetail("status", SftpConstants.getStatusName(status))
                    .withDetail("reason", resolveErrorMessage(sftp, 0, e, status, cmd)));
        } catch (StoreException ex) {
            LOG.error("audit of a refused SFTP request could not be written: {}", ex.getMessage());
        }
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
