package org.treatyexchange.server.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link BlobStore} on an S3-compatible object store, shared by every node of a deployment. Blobs are
 * ciphertext already (the vault encrypts before anything reaches a store); each is one object
 * {@code PREFIX/blobs/<id>}. A blob is written as one PUT when it fits in a part, else as a multipart
 * upload whose parts go out as they fill: at most one part per writer is held in memory. It becomes
 * visible only when the PUT or the completion returns, which S3 answers once the object is durable, so
 * the filing that refers to it commits after the object exists. Reads are range requests.
 *
 * <p>Failures of the service or the network surface as {@link IOException}s that carry the object
 * store's words, never a key id or secret; the caller refuses the upload and nothing is acknowledged.
 */
final class ObjectStoreBlobs implements BlobStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreBlobs.class);
    private static final String BLOBS = "blobs/";

    private final S3Client s3;
    private final String bucket;
    private final String root;
    private final int partSize;
    private final java.time.Duration grace;
    private final Clock clock;
    private final BlobIds ids = new BlobIds();

    /**
     * @param prefix   empty, or a key prefix ending in {@code /} under which this deployment's objects live
     * @param partSize the bytes of one multipart part (at least S3's 5 MiB minimum); also the largest single PUT
     * @param grace    how old a committed blob or an unfinished multipart upload must be before start-up
     *                 recovery may treat it as left behind (longer than any upload takes)
     */
    ObjectStoreBlobs(S3Client s3, String bucket, String prefix, int partSize, java.time.Duration grace, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.root = prefix + BLOBS;
        this.partSize = partSize;
        this.grace = grace;
        this.clock = clock;
    }

    @Override
    public Writer create() {
        return new ObjectWriter(ids.next());
    }

    @Override
    public SeekableByteChannel open(String blobId) throws IOException {
        String key = key(blobId);
        return new RangeReadChannel(s3, bucket, key, "blob " + blobId, size(blobId));
    }

    @Override
    public InputStream openStream(String blobId) throws IOException {
        String key = key(blobId);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw notFound(blobId);
        } catch (SdkException e) {
            throw failed("cannot read blob " + blobId, e);
        }
    }

    @Override
    public boolean exists(String blobId) throws IOException {
        try {
            size(blobId);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public long size(String blobId) throws IOException {
        String key = key(blobId);
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
        } catch (NoSuchKeyException e) {
            throw notFound(blobId);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw notFound(blobId);
            }
            throw failed("cannot read blob " + blobId, e);
        } catch (SdkException e) {
            throw failed("cannot read blob " + blobId, e);
        }
    }

    @Override
    public List<String> list() throws IOException {
        return listCommittedBefore(Instant.MAX);
    }

    @Override
    public List<String> orphanCandidates() throws IOException {
        return listCommittedBefore(clock.instant().minus(grace));
    }

    private List<String> listCommittedBefore(Instant cutoff) throws IOException {
        List<String> found = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root)).contents()) {
                String id = o.key().substring(root.length());
                if (BlobIds.isId(id) && o.lastModified().isBefore(cutoff)) {
                    found.add(id);
                }
            }
        } catch (SdkException e) {
            throw failed("cannot list the object store", e);
        }
        Collections.sort(found);
        return found;
    }

    @Override
    public void delete(String blobId) throws IOException {
        String key = key(blobId);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
            LOG.info("deleted blob {}", blobId);
        } catch (SdkException e) {
            throw failed("cannot delete blob " + blobId, e);
        }
    }

    @Override
    public void restore(String blobId, InputStream content) throws IOException {
        key(blobId); // validates the id before anything is written
        if (exists(blobId)) {
            throw new FileAlreadyExistsException("blob " + blobId);
        }
        try (ObjectWriter writer = new ObjectWriter(blobId)) {
            content.transferTo(writer.stream());
            writer.commit();
        }
    }

    /**
     * Aborts this deployment's multipart uploads started before the grace period: left by a node that
     * stopped mid-upload. Younger ones may be another node's uploads in progress.
     */
    /** Empty: an object store reports no free space. */
    @Override
    public java.util.OptionalLong usableSpace() {
        return java.util.OptionalLong.empty();
    }

    @Override
    public int removeTemporaries() throws IOException {
        Instant cutoff = clock.instant().minus(grace);
        int removed = 0;
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(root)).uploads()) {
                if (u.initiated().isBefore(cutoff)) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw failed("cannot list the object store's unfinished uploads", e);
        }
        if (removed > 0) {
            LOG.info("aborted {} unfinished multipart upload(s) older than {}", removed, grace);
        }
        return removed;
    }

    /** Releases the client's connections; the node is stopping. */
    @Override
    public void close() {
        s3.close();
    }

    private String key(String blobId) {
        return root + BlobIds.checked(blobId);
    }

    private static IOException notFound(String blobId) {
        return new NoSuchFileException("blob " + blobId);
    }

    /** The object store's failure as an I/O failure: its own words, which name neither key nor secret. */
    static IOException failed(String what, SdkException e) {
        return new IOException(what + ": object store: " + e.getMessage(), e);
    }

    /** Buffers one part; sends it when full; commit sends the rest and completes. */
    private final class ObjectWriter implements Writer {
        private final String id;
        private final String key;
        private final byte[] part = new byte[partSize];
        private final List<CompletedPart> sent = new ArrayList<>();
        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (finished) {
                    throw new IOException("blob " + id + " was already " + (committed ? "committed" : "aborted"));
                }
                while (len > 0) {
                    int n = Math.min(len, part.length - filled);
                    System.arraycopy(b, off, part, filled, n);
                    filled += n;
                    off += n;
                    len -= n;
                    if (filled == part.length) {
                        sendPart();
                    }
                }
            }
        };
        private int filled;
        private String uploadId;
        private boolean committed;
        private boolean finished;

        ObjectWriter(String id) {
            this.id = id;
            this.key = key(id);
        }

        @Override
        public String blobId() {
            return id;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        private void sendPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
                }
                int number = sent.size() + 1;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) filled),
                        RequestBody.fromInputStream(new java.io.ByteArrayInputStream(part, 0, filled), filled)).eTag();
                sent.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = 0;
            } catch (SdkException e) {
                abort();
                throw failed("cannot write blob " + id, e);
            }
        }

        @Override
        public synchronized void commit() throws IOException {
            if (finished) {
                throw new IOException("blob " + id + " was already " + (committed ? "committed" : "aborted"));
            }
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) filled),
                            RequestBody.fromInputStream(new java.io.ByteArrayInputStream(part, 0, filled), filled));
                } else {
                    if (filled > 0) {
                        sendPart();
                    }
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(CompletedMultipartUpload.builder().parts(sent).build()));
                }
                committed = true;
                finished = true;
            } catch (SdkException e) {
                abort();
                throw failed("cannot commit blob " + id, e);
            }
        }

        @Override
        public synchronized void abort() {
            if (finished) {
                return;
            }
            finished = true;
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    LOG.warn("cannot abort the multipart upload of blob {}; start-up recovery will after the grace period", id);
                }
            }
        }
    }
}
