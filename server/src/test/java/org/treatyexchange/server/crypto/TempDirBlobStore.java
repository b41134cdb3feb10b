package org.treatyexchange.server.crypto;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.treatyexchange.server.store.blob.BlobStore;

/**
 * A small real file-system blob store for tests: temporaries under {@code tmp/}, commit = fsync +
 * atomic move into {@code blobs/}. Tests tamper with committed blobs through {@link #path(String)}.
 */
final class TempDirBlobStore implements BlobStore {

    private final Path blobs;
    private final Path tmp;

    TempDirBlobStore(Path root) throws IOException {
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
    }

    Path path(String blobId) {
        if (!blobId.matches("[0-9a-f-]{36}")) {
            throw new IllegalArgumentException("not a blob id");
        }
        return blobs.resolve(blobId);
    }

    @Override
    public Writer create() throws IOException {
        String id = UUID.randomUUID().toString();
        Path temp = tmp.resolve(id);
        FileOutputStream out = new FileOutputStream(temp.toFile());
        return new Writer() {
            private boolean closed;

            @Override
            public String blobId() {
                return id;
            }

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public void commit() throws IOException {
                out.flush();
                out.getFD().sync();
                out.close();
                closed = true;
                Files.move(temp, path(id), StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void abort() {
                try {
                    if (!closed) {
                        closed = true;
                        out.close();
                    }
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public SeekableByteChannel open(String blobId) throws IOException {
        return Files.newByteChannel(path(blobId), StandardOpenOption.READ);
    }

    @Override
    public InputStream openStream(String blobId) throws IOException {
        return Files.newInputStream(path(blobId));
    }

    @Override
    public boolean exists(String blobId) {
        return Files.exists(path(blobId));
    }

    @Override
    public long size(String blobId) throws IOException {
        return Files.size(path(blobId));
    }

    @Override
    public List<String> orphanCandidates() throws IOException {
        return list();
    }

    @Override
    public List<String> list() throws IOException {
        try (Stream<Path> s = Files.list(blobs)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void delete(String blobId) throws IOException {
        if (!Files.deleteIfExists(path(blobId))) {
            throw new NoSuchFileException(blobId);
        }
    }

    @Override
    public void restore(String blobId, java.io.InputStream content) throws IOException {
        Files.copy(content, path(blobId));
    }

    /** Empty: a test store: no reserve applies. */
    @Override
    public java.util.OptionalLong usableSpace() {
        return java.util.OptionalLong.empty();
    }

    @Override
    public int removeTemporaries() throws IOException {
        int n = 0;
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.toList()) {
                Files.delete(p);
                n++;
            }
        }
        return n;
    }

    /** Temporaries still present (an aborted upload must leave none). */
    long temporaries() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.count();
        }
    }
}
