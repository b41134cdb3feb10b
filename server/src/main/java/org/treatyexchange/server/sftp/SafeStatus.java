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
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.audit.AuditEvent;

/**
 * The one place where a failure becomes an SFTP status. Clients get the status code and a fixed or
 * deliberately written message — never an exception's own text, which could carry a host path or SQL.
 * A refusal of the application layer keeps its reason code at the start of the message, and its status
 * is one the negotiated SFTP version defines (a v3 client never sees a code of v4 or later).
 */
final class SafeStatus implements SftpErrorStatusDataHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SafeStatus.class);

    private final AuditTrail audit;

    SafeStatus(AuditTrail audit) {
        this.audit = audit;
    }

    /** A refusal as the SFTP answer: the status that says what the reason means, and "code: message". */
    static DropBoxException toSftp(Refusal e) {
        return new DropBoxException(status(e.reason()), e.code() + ": " + e.getMessage());
    }

    /** What each reason means in SFTP's words; {@link #forVersion} brings it down to the session's version. */
    static int status(Refusal.Reason reason) {
        return switch (reason) {
            case INVALID_NAME -> SftpConstants.SSH_FX_INVALID_FILENAME;
            case UNKNOWN_REPORT_TYPE, NOT_FOUND -> SftpConstants.SSH_FX_NO_SUCH_FILE;
            case INVALID_PERIOD, INVALID_ROUTING, INVALID_CONTENT, MALFORMED, BAD_SIGNATURE, CLOCK_SKEW, DIGEST_MISMATCH ->
                    SftpConstants.SSH_FX_INVALID_PARAMETER;
            case FORBIDDEN, UNKNOWN_SIGNER, SIGNER_NOT_OF_STATE -> SftpConstants.SSH_FX_PERMISSION_DENIED;
            case QUOTA_EXCEEDED -> SftpConstants.SSH_FX_QUOTA_EXCEEDED;
            case STORAGE_FULL -> SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM;
            case TOO_LARGE, DUPLICATE_ID, CONFLICT, TAMPERED, UNAVAILABLE -> SftpConstants.SSH_FX_FAILURE;
        };
    }

    /**
     * A status the negotiated SFTP version defines: codes 0–8 are version 3's, 9–13 came with version 4,
     * 14–17 with 5, the rest with 6. A later code becomes the nearest earlier one (the message still says why).
     */
    static int forVersion(int status, int version) {
        int since = status <= SftpConstants.SSH_FX_OP_UNSUPPORTED ? 3
                : status <= SftpConstants.SSH_FX_NO_MEDIA ? 4
                : status <= SftpConstants.SSH_FX_LOCK_CONFLICT ? 5
                : 6;
        if (version >= since) {
            return status;
        }
        return switch (status) {
            case SftpConstants.SSH_FX_NO_SUCH_PATH, SftpConstants.SSH_FX_NOT_A_DIRECTORY -> SftpConstants.SSH_FX_NO_SUCH_FILE;
            case SftpConstants.SSH_FX_WRITE_PROTECT -> SftpConstants.SSH_FX_PERMISSION_DENIED;
            default -> SftpConstants.SSH_FX_FAILURE;
        };
    }

    @Override
    public int resolveSubStatus(SftpSubsystemEnvironment sftp, int id, Throwable e, int cmd, Object... args) {
        int meant = e instanceof DropBoxException d ? d.status() : SftpHelper.resolveSubstatus(e);
        int status = forVersion(meant, sftp.getVersion());
        if (meant == SftpConstants.SSH_FX_FAILURE && !(e instanceof DropBoxException)) {
            LOG.warn("SFTP command {} failed unexpectedly: {}", SftpConstants.getCommandMessageName(cmd), e.toString());
        }
        if (!isLookupMiss(status, cmd)) {
            auditRefusal(sftp, e, status, cmd, args);
        }
        return status;
    }

    /**
     * The end of a file or a listing, and "no such file" for a lookup that changes nothing, are answers, not refusals: every client asks
     * whether a file exists before it writes it (the stock {@code sftp} stats each file it puts). It
     * is not audited: that was one audit event and one durable commit per uploaded file (bench part b).
     */
    static boolean isLookupMiss(int status, int cmd) {
        return status == SftpConstants.SSH_FX_EOF // the normal end of a read or a listing
                || status == SftpConstants.SSH_FX_NO_SUCH_FILE && (cmd == SftpConstants.SSH_FXP_STAT
                || cmd == SftpConstants.SSH_FXP_LSTAT || cmd == SftpConstants.SSH_FXP_REALPATH);
    }

    /** Every refused SFTP request is an audit event: who, from where, which command, on what, and why (lookup misses aside). */
    private void auditRefusal(SftpSubsystemEnvironment sftp, Throwable e, int status, int cmd, Object... args) {
        Caller id = sftp.getServerSession().getAttribute(SftpService.IDENTITY);
        String subject = args != null && args.length > 0 && args[0] != null ? String.valueOf(args[0]) : "-";
        audit.recordQuietly(AuditEvent.refused("sftp.refused", id == null ? "-" : id.account(), id == null ? "-" : id.source(), subject)
                    .withDetail("command", SftpConstants.getCommandMessageName(cmd))
                    .withDetail("status", SftpConstants.getStatusName(status))
                    .withDetail("reason", resolveErrorMessage(sftp, 0, e, status, cmd)));
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
