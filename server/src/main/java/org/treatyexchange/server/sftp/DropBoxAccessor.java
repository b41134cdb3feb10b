package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * Connects MINA's SFTP subsystem to the virtual tree and refuses, explicitly, every operation that
 * would change a filing or the tree's shape. Remote paths are checked before they become paths.
 */
final class DropBoxAccessor implements SftpFileSystemAccessor {

    @Override
    public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath) throws IOException {
        if (remotePath.indexOf('\0') >= 0) {
            throw new InvalidPathException("(refused)", "the path contains a NUL character");
        }
        for (int i = 0; i < remotePath.length(); i++) {
            if (Character.isISOControl(remotePath.charAt(i))) {
                throw new InvalidPathException("(refused)", "the path contains a control character");
            }
        }
        if (remotePath.length() > 4096) {
            throw new InvalidPathException("(refused)", "the path is too long");
        }
        return rootDir.resolve(remotePath);
    }

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        if (fileHandle.isOpenAppend()) {
            // An append (or a resumed upload) would otherwise arrive as a new, partial document.
            throw DropBoxException.unsupported("filings cannot be appended to or resumed; upload the whole document again");
        }
        return file.getFileSystem().provider().newByteChannel(file, options);
    }

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
            long position, long size, boolean shared) throws IOException {
        throw DropBoxException.unsupported("locks are not supported");
    }

    @Override
    public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel) {
        // Nothing to do early: an upload is made durable as a whole when its handle is closed.
    }

    @Override
    public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
            Set<? extends OpenOption> options) throws IOException {
        channel.close();
    }

    @Override
    public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem, DirectoryHandle dirHandle, Path dir, String handle,
            LinkOption... linkOptions) throws IOException {
        return Files.newDirectoryStream(dir);
    }

    @Override
    public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute, Object value,
            LinkOption... options) throws IOException {
        Files.setAttribute(file, view + ":" + attribute, value, options);
    }

    @Override
    public void setFileOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options) throws IOException {
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public void setGroupOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options) throws IOException {
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public void setFilePermissions(SftpSubsystemProxy subsystem, Path file, Set<PosixFilePermission> perms, LinkOption... options)
            throws IOException {
        // the tree decides: ignored on what the session just wrote (clients keep the local mode), refused elsewhere
        Files.setPosixFilePermissions(file, perms);
    }

    @Override
    public void setFileAccessControl(SftpSubsystemProxy subsystem, Path file, List<AclEntry> acl, LinkOption... options)
            throws IOException {
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
        throw DropBoxException.denied("folders are fixed by the exchange");
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) throws IOException {
        throw DropBoxException.denied("links are not supported");
    }

    @Override
    public String resolveLinkTarget(SftpSubsystemProxy subsystem, Path link) throws IOException {
        Files.readAttributes(link, "basic:isSymbolicLink"); // missing answers as missing
        throw DropBoxException.invalidName("not a link");
    }

    @Override
    public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts) throws IOException {
        Files.move(oldPath, newPath);
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts) throws IOException {
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
        Files.delete(path);
    }
}
