package org.treatyexchange.server.store.blob;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BlobStore} on a local directory: {@code ab/cd/<id>} ({@link BlobIds}), owned by this node alone.
 * Error messages carry ids only, never host paths.
 */
final class LocalBlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(LocalBlobStore.class);

    private static final Pattern FAN = Pattern.compile("[a-z2-7]{2}");
    private static final String TMP = "tmp";
    private static final String TMP_SUFFIX = ".part";
    private static final OpenOption[] READ = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    /** A blob still being written has its pages sent to disk in the background each time this much more arrived. */
    static final long DEFAULT_WRITEBACK_BYTES = 32L * 1024 * 1024;

    /**
     * Early write-back of large blobs (fsync on): without it the kernel holds a whole upload in the page
     * cache and the fsync at commit writes all of it while the client waits (about 3 s per GiB here).
     * It only starts I/O sooner; the fsync at commit, and so durability, is unchanged.
     */
    private static final ExecutorService WRITEBACK = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blob-writeback");
        t.setDaemon(true);
        return t;
    });

    /**
     * Blobs written one after the other share a fan-out directory ({@code ab/cd/}) for this many blobs before
     * a new one is drawn. With a random directory for every blob, nearly every small document created a new
     * {@code ab/cd/} and had to sync it into its parent: one mkdir and one fsync more per filing (bench part b).
     */
    static final int BLOBS_PER_DIRECTORY = 256;

    private final BlobIds ids = new BlobIds();
    /** The fan-out prefix ({@code abcd}) new blobs get, and how many more may get it; guarded by {@code this}. */
    private String sharedPrefix;
    private int prefixUsesLeft;
    private final Path root;
    private final Path tmp;
    private final boolean fsync;
    private final boolean posix;
    private final long writebackBytes;

    LocalBlobStore(Path directory, boolean fsync) throws IOException {
        this(directory, fsync, DEFAULT_WRITEBACK_BYTES);
    }

    LocalBlobStore(Path directory, boolean fsync, long writebackBytes) throws IOException {
        Objects.requireNonNull(directory, "directory");
        this.writebackBytes = writebackBytes;
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        createDirectories(directory.toAbsolutePath().normalize());
        this.root = directory.toRealPath();
        this.tmp = root.resolve(TMP);
        createDirectories(tmp);
        this.fsync = fsync;
        if (posix) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                log.warn("the blob directory is readable by other users ({}); expected rwx------",
                        PosixFilePermissions.toString(perms));
            }
        }
        if (!fsync) {
            log.warn("blob store without fsync: acknowledged documents can be lost on power failure");
        }
    }

    @Override
    public Writer create() throws IOException {
        String id = nextId();
        Path temp = tmp.resolve(id + TMP_SUFFIX);
        FileChannel channel = posix
                ? FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new LocalWriter(id, temp, channel);
    }

    /** A new random id whose fan-out directory is, most of the time, the previous blob's (which then exists already). */
    private synchronized String nextId() {
        String id = ids.next();
        if (prefixUsesLeft == 0) {
            sharedPrefix = id.substring(0, 4);
            prefixUsesLeft = BLOBS_PER_DIRECTORY;
        }
        prefixUsesLeft--;
        return sharedPrefix + id.substring(4); // still 108 random bits after the prefix
    }

    @Override
    public SeekableByteChannel open(String blobId) throws IOException {
        Path p = pathOf(blobId);
        try {
            return Files.newByteChannel(p, READ);
        } catch (NoSuchFileException e) {
            throw notFound(blobId);
        } catch (IOException e) {
            throw new IOException("cannot read blob " + blobId, e);
        }
    }

    @Override
    public InputStream openStream(String blobId) throws IOException {
        Path p = pathOf(blobId);
        try {
            return Files.newInputStream(p, READ);
        } catch (NoSuchFileException e) {
            throw notFound(blobId);
        } catch (IOException e) {
            throw new IOException("cannot read blob " + blobId, e);
        }
    }

    @Override
    public boolean exists(String blobId) throws IOException {
        return Files.isRegularFile(pathOf(blobId), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public long size(String blobId) throws IOException {
        Path p = pathOf(blobId);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw notFound(blobId);
        }
        return Files.size(p);
    }

    @Override
    public List<String> list() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> first = Files.newDirectoryStream(root)) {
            for (Path a : first) {
                String an = a.getFileName().toString();
                if (!FAN.matcher(an).matches() || !Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // tmp/ and anything foreign
                }
                try (DirectoryStream<Path> second = Files.newDirectoryStream(a)) {
                    for (Path b : second) {
                        String bn = b.getFileName().toString();
                        if (!FAN.matcher(bn).matches() || !Files.isDirectory(b, LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(b)) {
                            for (Path f : files) {
                                String id = f.getFileName().toString();
                                if (BlobIds.isId(id) && id.startsWith(an + bn)
                                        && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                                    ids.add(id);
                                }
                            }
                        }
                    }
                }
            }
        }
        Collections.sort(ids);
        return ids;
    }

    /** Every blob: this node is the only writer, and recovery runs before it accepts work. */
    @Override
    public List<String> orphanCandidates() throws IOException {
        return list();
    }

    @Override
    public void delete(String blobId) throws IOException {
        Path p = pathOf(blobId);
        if (Files.deleteIfExists(p)) {
            log.info("deleted blob {}", blobId);
            syncDirectory(p.getParent());
        }
    }

    @Override
    public void restore(String blobId, InputStream content) throws IOException {
        Path target = pathOf(blobId); // validates the id before anything is written
        try (LocalWriter writer = (LocalWriter) create()) {
            content.transferTo(writer.stream());
            writer.commitAs(target, blobId);
        }
    }

    @Override
    public java.util.OptionalLong usableSpace() throws IOException {
        return java.util.OptionalLong.of(Files.getFileStore(root).getUsableSpace());
    }

    @Override
    public int removeTemporaries() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmp)) {
            for (Path t : temps) {
                if (Files.isRegularFile(t, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(t)) {
                    removed++;
                }
            }
        }
        if (removed > 0) {
            syncDirectory(tmp);
            log.info("removed {} unfinished blob temporaries", removed);
        }
        return removed;
    }

    /** The only way from an id to a path: validated first, fanned out as ab/cd/id. */
    private Path pathOf(String blobId) {
        BlobIds.checked(blobId);
        return root.resolve(blobId.substring(0, 2)).resolve(blobId.substring(2, 4)).resolve(blobId);
    }

    private static IOException notFound(String blobId) {
        return new NoSuchFileException("blob " + blobId);
    }

    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        // Every directory about to be created, top first: each new entry must be synced into its parent.
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.push(d);
        }
        if (posix) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(dir, ownerOnly);
        } else {
            Files.createDirectories(dir);
        }
        // Each new directory entry must itself survive a power cut: before, only the deepest one was synced
        // into its parent, and only when that parent existed already, so a new fan-out directory ab/ (and
        // the document below it) could vanish with a power cut after the receipt (PowerCutTest).
        for (Path d : missing) {
            if (d.getParent() != null) {
                syncDirectory(d.getParent());
            }
        }
    }

    private void syncDirectory(Path dir) throws IOException {
        if (!fsync || !posix) {
            return; // directories cannot be opened for fsync on every platform (e.g. Windows)
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private final class LocalWriter implements Writer {
        private final String id;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream stream;
        private boolean committed;
        private boolean finished;
        private long written;
        private long writtenAtWriteback;
        private Future<?> writeback;

        LocalWriter(String id, Path temp, FileChannel channel) {
            this.id = id;
            this.temp = temp;
            this.channel = channel;
            OutputStream file = Channels.newOutputStream(channel);
            this.stream = new BufferedOutputStream(new java.io.FilterOutputStream(file) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    file.write(b, off, len);
                    written += len;
                    startWritebackIfDue();
                }
            }, 64 * 1024);
        }

        /** On the writing thread: hands the pages written so far to the write-back thread, one request at a time. */
        private void startWritebackIfDue() throws IOException {
            if (!fsync || written - writtenAtWriteback < writebackBytes) {
                return;
            }
            if (writeback != null) {
                if (!writeback.isDone()) {
                    return; // the disk is still busy with the previous part
                }
                awaitWriteback(); // surfaces a failed write-back now: Linux reports a write error only once
            }
            writtenAtWriteback = written;
            writeback = WRITEBACK.submit(() -> {
                channel.force(false);
                return null;
            });
        }

        /** Waits for the write-back in progress, drops one not yet started; rethrows its I/O failure. */
        private void awaitWriteback() throws IOException {
            Future<?> pending = writeback;
            writeback = null;
            if (pending == null || pending.cancel(false)) {
                return;
            }
            try {
                pending.get();
            } catch (CancellationException e) {
                // dropped before it started: the fsync at commit covers it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while blob " + id + " was written back");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException("write-back of blob " + id + " failed", e.getCause());
            }
        }

        @Override
        public String blobId() {
            return id;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            commitAs(pathOf(id), id);
        }

        /** Commits under {@code target}: this writer's own place, or a restored blob's. */
        synchronized void commitAs(Path target, String targetId) throws IOException {
            if (finished) {
                throw new IOException("blob " + id + " was already " + (committed ? "committed" : "aborted"));
            }
            try {
                stream.flush();
                awaitWriteback();
                if (fsync) {
                    channel.force(true);
                }
                channel.close();
                createDirectories(target.getParent());
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException("blob " + targetId);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                committed = true;
                finished = true;
                // The new name must survive a crash; the old one need not: the rename is one journalled
                // operation, and should a crash leave the temporary's name behind as well, it is a second
                // link to the same file that removeTemporaries() drops at start-up. (One fsync per
                // document less: bench part b.)
                syncDirectory(target.getParent());
            } catch (IOException e) {
                if (!committed) {
                    abort();
                    throw new IOException("cannot commit blob " + id, e);
                }
                throw new IOException("blob " + id + " was committed but its directory could not be synced", e);
            }
        }

        @Override
        public synchronized void abort() {
            if (finished) {
                return;
            }
            finished = true;
            if (writeback != null) {
                writeback.cancel(false); // a running one ends when the channel closes under it
            }
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing blob {} failed", id);
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                log.warn("cannot remove the temporary of blob {}; removeTemporaries() will", id);
            }
        }
    }
}
