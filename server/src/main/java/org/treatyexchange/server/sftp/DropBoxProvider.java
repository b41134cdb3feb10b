package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.treatyexchange.server.application.Caller;

/**
 * The NIO provider behind every session's virtual tree. Reads resolve through {@link AccountView};
 * the only write it knows is a new upload into a drop folder. Everything else that would change the
 * tree (delete, rename, mkdir, links, attributes) is refused: filings are immutable.
 */
final class DropBoxProvider extends FileSystemProvider {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("r-xr-x---");
    private static final Set<PosixFilePermission> DROP_FOLDER = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("r--r-----");

    @Override
    public String getScheme() {
        return "treaty-exchange";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("virtual trees are created per session");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("virtual trees are not addressable by URI");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("virtual trees are not addressable by URI");
    }

    static DropBoxPath cast(Path path) {
        if (path instanceof DropBoxPath p) {
            return p;
        }
        throw new ProviderMismatchException();
    }

    private static AccountView view(Path path) {
        return cast(path).getFileSystem().view();
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        DropBoxPath p = cast(path);
        AccountView view = p.getFileSystem().view();
        if (options.contains(StandardOpenOption.APPEND)) {
            throw DropBoxException.unsupported("filings cannot be appended to; upload the whole document again");
        }
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.CREATE)
                || options.contains(StandardOpenOption.CREATE_NEW);
        if (write && options.contains(StandardOpenOption.READ)) {
            throw DropBoxException.unsupported("a document cannot be read and written through one handle");
        }
        if (write) {
            if (p.hasParentReference()) {
                throw DropBoxException.denied("upload paths may not contain '..'");
            }
            if (options.contains(StandardOpenOption.CREATE_NEW) && exists(view, p)) {
                // an exclusive create must not quietly file a new version
                throw new FileAlreadyExistsException(p.toString());
            }
            SeekableByteChannel channel = view.openUpload(p);
            if (channel instanceof WriteOnceChannel w) {
                p.getFileSystem().wrote(p, w);
            }
            return channel;
        }
        return view.openRead(view.resolve(p));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        DropBoxPath p = cast(dir);
        List<Path> entries = new ArrayList<>();
        for (String name : view(p).list(p)) {
            Path child = p.resolve(name);
            if (filter == null || filter.accept(child)) {
                entries.add(child);
            }
        }
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                return entries.iterator();
            }

            @Override
            public void close() {
                // nothing held open
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw DropBoxException.denied("folders are fixed by the exchange");
    }

    @Override
    public void delete(Path path) throws IOException {
        view(path).resolve(cast(path)); // a missing path answers as missing, not as denied
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        view(source).resolve(cast(source));
        throw DropBoxException.denied("filings are immutable");
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return cast(path).toAbsolutePath().normalize().equals(cast(path2).toAbsolutePath().normalize());
    }

    @Override
    public boolean isHidden(Path path) {
        return false;
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        view(path).resolve(cast(path));
        return new VirtualFileStore();
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        Node node = resolveOrWritten(cast(path));
        for (AccessMode mode : modes) {
            boolean allowed = switch (mode) {
                case READ -> true;
                case WRITE -> node instanceof Node.Folder f && f.dropTarget();
                case EXECUTE -> node instanceof Node.Folder;
            };
            if (!allowed) {
                throw new AccessDeniedException(path.toString());
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class && type != PosixFileAttributeView.class) {
            return null;
        }
        DropBoxPath p = cast(path);
        return (V) new PosixFileAttributeView() {
            @Override
            public String name() {
                return "posix";
            }

            @Override
            public PosixFileAttributes readAttributes() throws IOException {
                return attributes(p);
            }

            @Override
            public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
                keepingMetadata(p);
            }

            @Override
            public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
                keepingMetadata(p);
            }

            @Override
            public void setGroup(GroupPrincipal group) throws IOException {
                throw DropBoxException.denied("filings are immutable");
            }

            @Override
            public UserPrincipal getOwner() throws IOException {
                return attributes(p).owner();
            }

            @Override
            public void setOwner(UserPrincipal owner) throws IOException {
                throw DropBoxException.denied("filings are immutable");
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        if (type == BasicFileAttributes.class || type == PosixFileAttributes.class) {
            return (A) attributes(cast(path));
        }
        throw new UnsupportedOperationException("attributes " + type.getSimpleName() + " are not supported");
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String names = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (!view.equals("basic") && !view.equals("posix")) {
            throw new UnsupportedOperationException("attribute view " + view + " is not supported");
        }
        PosixFileAttributes a = attributes(cast(path));
        Map<String, Object> all = new HashMap<>();
        all.put("size", a.size());
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", false);
        all.put("isOther", false);
        all.put("fileKey", null);
        if (view.equals("posix")) {
            all.put("permissions", a.permissions());
            all.put("owner", a.owner());
            all.put("group", a.group());
        }
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> chosen = new HashMap<>();
        for (String name : names.split(",")) {
            if (all.containsKey(name)) {
                chosen.put(name, all.get(name));
            }
        }
        return chosen;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        String name = attribute.substring(attribute.indexOf(':') + 1);
        if (KEPT_BY_CLIENTS.contains(name)) {
            keepingMetadata(cast(path));
            return;
        }
        view(path).resolve(cast(path));
        throw DropBoxException.denied("filings are immutable");
    }

    /** Attributes clients set after an upload to keep the local file's: accepted and ignored on what the session wrote. */
    private static final Set<String> KEPT_BY_CLIENTS = Set.of("lastModifiedTime", "lastAccessTime", "creationTime", "permissions");

    /**
     * A client keeping a timestamp or mode (WinSCP by default, {@code put -p}, paramiko): on what this
     * session is uploading or has just filed it is accepted and ignored — a filing's time is its receipt's,
     * and nothing about it changes; anywhere else it is refused.
     */
    private static void keepingMetadata(DropBoxPath p) throws IOException {
        if (p.getFileSystem().wroteThisSession(p).isPresent()) {
            return;
        }
        p.getFileSystem().view().resolve(p); // a missing path answers as missing
        throw DropBoxException.denied("filings are immutable");
    }

    private static boolean exists(AccountView view, DropBoxPath p) throws IOException {
        try {
            return !(view.resolve(p) instanceof Node.Folder);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** What a path names, or what this session wrote there when the tree shows nothing at that path. */
    private static Node resolveOrWritten(DropBoxPath p) throws IOException {
        try {
            return p.getFileSystem().view().resolve(p);
        } catch (java.nio.file.NoSuchFileException e) {
            WriteOnceChannel w = p.getFileSystem().wroteThisSession(p).orElseThrow(() -> e);
            return new Node.JustWritten(w.size(), java.time.Instant.now());
        }
    }

    private static PosixFileAttributes attributes(DropBoxPath path) throws IOException {
        AccountView view = path.getFileSystem().view();
        Node node = resolveOrWritten(path);
        long size = 0;
        if (node instanceof Node.Document d) {
            size = d.filing().size();
        } else if (node instanceof Node.ReceiptFile r) {
            size = r.signedReceipt().length;
        } else if (node instanceof Node.InboxFile i) {
            size = i.size();
        } else if (node instanceof Node.MessageAttachment a) {
            size = a.size();
        } else if (node instanceof Node.Generated g) {
            size = g.content().length;
        } else if (node instanceof Node.JustWritten w) {
            size = w.size();
        }
        Set<PosixFilePermission> perms = node instanceof Node.Folder f ? (f.dropTarget() ? DROP_FOLDER : FOLDER) : FILE;
        Caller id = view.caller();
        return new VirtualAttributes(node instanceof Node.Folder, size, FileTime.from(node.modified()), perms,
                new Principal(id.account()), new Principal(id.isSecretariat() ? "secretariat" : id.state()));
    }

    /** An account or State name as owner and group; its text is what {@code ls -l} shows. */
    private record Principal(String getName) implements UserPrincipal, GroupPrincipal {
        @Override
        public String toString() {
            return getName;
        }
    }

    private record VirtualAttributes(boolean isDirectory, long size, FileTime lastModifiedTime, Set<PosixFilePermission> permissions,
            UserPrincipal owner, GroupPrincipal group) implements PosixFileAttributes {
        @Override
        public FileTime lastAccessTime() {
            return lastModifiedTime;
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime;
        }

        @Override
        public boolean isRegularFile() {
            return !isDirectory;
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }

    /** Reports no meaningful capacity: quotas are per account and enforced on upload. */
    private static final class VirtualFileStore extends FileStore {
        @Override
        public String name() {
            return "treaty-exchange";
        }

        @Override
        public String type() {
            return "virtual";
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public long getTotalSpace() {
            return 0;
        }

        @Override
        public long getUsableSpace() {
            return 0;
        }

        @Override
        public long getUnallocatedSpace() {
            return 0;
        }

        @Override
        public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
            return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class;
        }

        @Override
        public boolean supportsFileAttributeView(String name) {
            return name.equals("basic") || name.equals("posix");
        }

        @Override
        public <V extends java.nio.file.attribute.FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
            return null;
        }

        @Override
        public Object getAttribute(String attribute) {
            throw new UnsupportedOperationException("no file store attributes");
        }
    }
}
