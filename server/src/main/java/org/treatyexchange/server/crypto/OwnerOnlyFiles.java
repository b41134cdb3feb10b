package org.treatyexchange.server.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whole files atomically (temporary in the same directory, fsync, rename, fsync of the
 * directory) with their POSIX permissions set at creation, so a secret is never readable by others,
 * not even for the instant between create and chmod, and a crash leaves the old file or the new one,
 * never half of either.
 */
final class OwnerOnlyFiles {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnlyFiles.class);

    /** rw------- : keystores and private keys. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** rw-r--r-- : certificates and public keys. */
    static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");

    private OwnerOnlyFiles() {
    }

    /** Atomically replaces (or creates) {@code target} with {@code content}, mode 0600. */
    static void writeSecret(Path target, byte[] content) throws IOException {
        write(target, content, OWNER_ONLY);
    }

    /** Atomically replaces (or creates) {@code target} with {@code content}, mode 0644. */
    static void writePublic(Path target, byte[] content) throws IOException {
        write(target, content, PUBLIC_READ);
    }

    static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        boolean posix = isPosix(dir);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
        if (!posix) {
            // Not silently: the operator must protect the file by other means on such a file system.
            LOG.warn("file system of {} has no POSIX permissions; restrict access to it by other means",
                    absolute.getFileName());
        }
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp", attributes);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix) {
                // The umask may have narrowed 0644 at creation; set exactly what was asked.
                Files.setPosixFilePermissions(temp, permissions);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine there. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("directory fsync not supported here: {}", e.toString());
        }
    }
}
