package org.treatyexchange.server.store.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Opens a {@link BlobStore}. */
public final class BlobStores {
    private BlobStores() {
    }

    /**
     * Blobs as files under {@code directory} (created owner-only when missing): {@code ab/cd/<id>},
     * temporaries in {@code tmp/} on the same file system so that commit is an atomic rename.
     *
     * @param fsync true in production. False skips the fsync of file and directory on commit, so a
     *              power failure may lose a blob whose filing was already acknowledged: tests and
     *              benchmarks only.
     * @throws UncheckedIOException when the directory cannot be created or used
     */
    public static BlobStore local(Path directory, boolean fsync) {
        try {
            return new LocalBlobStore(directory, fsync);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the blob directory", e);
        }
    }
}
