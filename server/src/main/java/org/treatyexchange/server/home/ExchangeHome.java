package org.treatyexchange.server.home;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The server's data directory ({@code $EXCHANGE_HOME}): where the database, the encrypted documents,
 * the keys and the demo material live. Created owner-only; start-up refuses a home that other users
 * could write to, because whoever can write there can replace keys or documents.
 */
public final class ExchangeHome {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    private ExchangeHome(Path root) {
        this.root = root;
    }

    /**
     * Opens (and on first start creates) the home and its sub-directories.
     *
     * @throws HomeException when the home is unusable: not a directory, a symbolic link, or writable by others
     */
    public static ExchangeHome open(Path root) throws HomeException {
        Path abs = root.toAbsolutePath().normalize();
        try {
            if (Files.isSymbolicLink(abs)) {
                throw new HomeException("data directory " + abs + " is a symbolic link; point EXCHANGE_HOME at the real directory");
            }
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(abs);
                setOwnerOnly(abs);
            }
            if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw new HomeException("data directory " + abs + " is not a directory");
            }
            refuseWritableByOthers(abs);
            ExchangeHome home = new ExchangeHome(abs);
            for (Path dir : new Path[] {home.databaseDir().getParent(), home.blobDir(), home.keyDir(), home.runDir(),
                home.logDir(), home.demoDir()}) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dir);
                    setOwnerOnly(dir);
                }
                refuseWritableByOthers(dir);
            }
            return home;
        } catch (IOException e) {
            throw new HomeException("data directory " + abs + " could not be prepared: " + e.getMessage());
        }
    }

    /**
     * Refuses a directory others can write (they could swap keys or documents), and takes away the
     * read bits others have (e.g. when a logger created it first under a lax umask).
     */
    private static void refuseWritableByOthers(Path dir) throws IOException, HomeException {
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return; // not a POSIX file system: nothing to check here
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new HomeException("data directory " + dir + " can be written by other users (" + PosixFilePermissions.toString(perms)
                    + "); fix it with: chmod go-w " + dir);
        }
        if (!perms.equals(OWNER_ONLY_DIR)) {
            view.setPermissions(OWNER_ONLY_DIR);
        }
    }

    /** Makes a directory rwx for its owner only (no-op off POSIX file systems). */
    public static void setOwnerOnly(Path dir) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            view.setPermissions(OWNER_ONLY_DIR);
        }
    }

    public Path root() {
        return root;
    }

    /** Resolves a configured path: absolute stays, relative is taken inside the home. */
    public Path resolve(Path configured) {
        return configured.isAbsolute() ? configured : root.resolve(configured).normalize();
    }

    public Path databaseDir() {
        return root.resolve("db").resolve("exchange");
    }

    public Path blobDir() {
        return root.resolve("blobs");
    }

    public Path keyDir() {
        return root.resolve("keys");
    }

    public Path runDir() {
        return root.resolve("run");
    }

    public Path logDir() {
        return root.resolve("logs");
    }

    public Path demoDir() {
        return root.resolve("demo");
    }
}
