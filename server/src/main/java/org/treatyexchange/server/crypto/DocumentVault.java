package org.treatyexchange.server.crypto;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.blob.BlobStore;

/**
 * Documents at rest: each one encrypted under its own random 256-bit data key in authenticated
 * segments (format: {@link SegmentedAead}), stored as an opaque blob, its data key wrapped by the
 * active {@link MasterKeys master key} and bound to the blob id.
 *
 * <pre>
 * try (DocumentVault.Upload upload = vault.begin()) {
 *     upload.write(bytes, 0, n);            // as often as needed, one pass, one segment buffered
 *     StoredDocument doc = upload.finish(); // durable; store doc.key() with the filing
 * }                                         // close() without finish() discards everything
 * </pre>
 *
 * Reads verify every segment before releasing any of its bytes; any modification, truncation,
 * extension, reordering, wrong key or moved wrapped key raises {@link TamperedDocumentException}.
 * The vault is thread-safe; each {@link Upload} and each opened channel or stream is for one thread.
 */
public final class DocumentVault {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentVault.class);

    private final BlobStore blobs;
    private final MasterKeys masterKeys;
    private final int segmentSize;
    private final SecureRandom random = new SecureRandom();
    private final ReadAhead readAhead;

    /**
     * @param segmentSize plaintext bytes per authenticated segment (16 B .. 16 MiB); larger means
     *        less overhead, smaller means cheaper random access. 64 KiB is a good default.
     */
    public DocumentVault(BlobStore blobs, MasterKeys masterKeys, int segmentSize) {
        this(blobs, masterKeys, segmentSize, ReadAhead.fromSystemProperty(segmentSize));
    }

    /** With the given read-ahead (tests choose its depth, executor and budget). */
    DocumentVault(BlobStore blobs, MasterKeys masterKeys, int segmentSize, ReadAhead readAhead) {
        this.readAhead = Objects.requireNonNull(readAhead, "readAhead");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
        SegmentedAead.checkSegmentSize(segmentSize);
        this.segmentSize = segmentSize;
    }

    /** Starts a new document under a fresh data key; nothing is visible until {@link Upload#finish()}. */
    /** Encrypts and durably stores a small document held in memory (a signed envelope, a queue item). */
    public StoredDocument store(byte[] bytes) throws IOException {
        try (Upload upload = begin()) {
            upload.write(bytes, 0, bytes.length);
            return upload.finish();
        }
    }

    public Upload begin() throws IOException {
        byte[] dataKey = new byte[SegmentedAead.KEY_LENGTH];
        random.nextBytes(dataKey);
        BlobStore.Writer writer = blobs.create();
        try {
            return new Upload(writer, dataKey, new SegmentEncryptor(writer.stream(), dataKey, segmentSize, random));
        } catch (IOException | RuntimeException e) {
            Arrays.fill(dataKey, (byte) 0);
            writer.abort();
            throw e;
        }
    }

    /**
     * Random-access plaintext view of a stored document. {@code plaintextSize} is the size recorded
     * at {@link Upload#finish()}; a blob whose length does not match it is refused at once.
     */
    public SeekableByteChannel openReadOnly(DocumentKey key, long plaintextSize) throws IOException {
        if (plaintextSize < 0) {
            throw new IllegalArgumentException("negative plaintextSize " + plaintextSize);
        }
        return open(key, plaintextSize);
    }

    /** Sequential plaintext of a stored document; its size follows from the blob length. */
    public InputStream openStream(DocumentKey key) throws IOException {
        return Channels.newInputStream(open(key, -1));
    }

    private SeekableByteChannel open(DocumentKey key, long expectedSize) throws IOException {
        Objects.requireNonNull(key, "key");
        byte[] dataKey;
        try {
            dataKey = masterKeys.unwrap(key);
        } catch (GeneralSecurityException e) {
            LOG.warn("blob {}: data key refused: {}", key.blobId(), e.getMessage());
            throw new TamperedDocumentException("data key of blob " + key.blobId() + " does not authenticate");
        }
        SeekableByteChannel blob = blobs.open(key.blobId());
        try {
            ByteBuffer headerBytes = ByteBuffer.allocate(SegmentedAead.HEADER_LENGTH);
            blob.position(0);
            while (headerBytes.hasRemaining() && blob.read(headerBytes) >= 0) {
                // read the fixed-size header fully
            }
            SegmentedAead.Header header = SegmentedAead.Header.parse(
                    Arrays.copyOf(headerBytes.array(), headerBytes.position()));
            long blobSize = blob.size();
            long size = SegmentedAead.plaintextSize(blobSize, header.segmentSize());
            if (expectedSize >= 0 && size != expectedSize) {
                throw new TamperedDocumentException("blob " + key.blobId() + " holds " + size
                        + " plaintext bytes, its record says " + expectedSize);
            }
            return new DecryptingChannel(blob, new SecretKeySpec(dataKey, "AES"), header, size, readAhead);
        } catch (IOException | RuntimeException e) {
            blob.close();
            if (e instanceof TamperedDocumentException) {
                LOG.warn("{}", e.getMessage());
            }
            throw e;
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** A document's record once stored; {@code key} goes into the database with the filing. */
    /**
     * A sealed document whose blob is being committed: {@code document} is final, but durable only once
     * {@code durable} completes normally (see {@link Upload#seal}).
     */
    public record Sealed(StoredDocument document, CompletableFuture<Void> durable) {
    }

    public record StoredDocument(String blobId, long size, String sha256Hex, DocumentKey key) {
        public StoredDocument {
            Objects.requireNonNull(blobId, "blobId");
            Objects.requireNonNull(sha256Hex, "sha256Hex");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * One document being written: plaintext goes in sequentially, is hashed, counted and encrypted
     * in the same pass, and only {@link #finish()} makes it durable and visible. {@link #close()}
     * before {@code finish()} discards it. Not thread-safe.
     */
    public final class Upload implements Closeable {

        private final BlobStore.Writer writer;
        private final byte[] dataKey;
        private final SegmentEncryptor encryptor;
        private boolean done;

        private Upload(BlobStore.Writer writer, byte[] dataKey, SegmentEncryptor encryptor) {
            this.writer = writer;
            this.dataKey = dataKey;
            this.encryptor = encryptor;
        }

        /** The blob id this document will have. */
        public String blobId() {
            return writer.blobId();
        }

        /** Appends plaintext. After a failure the upload can only be closed. */
        public void write(byte[] b, int off, int len) throws IOException {
            ensureActive();
            try {
                encryptor.write(b, off, len);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Plaintext bytes written so far. */
        public long size() {
            return encryptor.size();
        }

        /** Seals the last segment, commits the blob durably and returns its record. */
        public StoredDocument finish() throws IOException {
            ensureActive();
            try {
                String sha256 = encryptor.finish();
                DocumentKey key = masterKeys.wrapFor(writer.blobId(), dataKey);
                writer.commit();
                done = true;
                Arrays.fill(dataKey, (byte) 0);
                LOG.debug("blob {} stored: {} bytes", writer.blobId(), encryptor.size());
                return new StoredDocument(writer.blobId(), encryptor.size(), sha256, key);
            } catch (GeneralSecurityException e) {
                close();
                throw new IOException("data key of blob " + writer.blobId() + " could not be wrapped: "
                        + e.getClass().getSimpleName(), e);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /**
         * As {@link #finish()}, but only the sealing (the last segment, the hash, the data key's wrap) is done
         * now; the blob's commit — its flushes and its rename, most of a small document's storing time — runs
         * on {@code flusher}. The document is durable once {@link Sealed#durable()} has completed normally;
         * whoever records it must wait for that before committing the record. If the commit fails, the blob
         * is discarded and {@code durable} completes with the {@link IOException}.
         */
        public Sealed seal(Executor flusher) throws IOException {
            ensureActive();
            StoredDocument doc;
            try {
                String sha256 = encryptor.finish();
                DocumentKey key = masterKeys.wrapFor(writer.blobId(), dataKey);
                doc = new StoredDocument(writer.blobId(), encryptor.size(), sha256, key);
            } catch (GeneralSecurityException e) {
                close();
                throw new IOException("data key of blob " + writer.blobId() + " could not be wrapped: "
                        + e.getClass().getSimpleName(), e);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
            done = true; // nothing more is written; from here the writer belongs to the flusher
            Arrays.fill(dataKey, (byte) 0);
            CompletableFuture<Void> durable = new CompletableFuture<>();
            try {
                flusher.execute(() -> {
                    try {
                        writer.commit();
                        LOG.debug("blob {} stored: {} bytes", doc.blobId(), doc.size());
                        durable.complete(null);
                    } catch (IOException | RuntimeException e) {
                        writer.abort();
                        durable.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) { // the flusher refused the task: nothing was committed
                writer.abort();
                throw new IOException("blob " + doc.blobId() + " could not be handed to the flusher", e);
            }
            return new Sealed(doc, durable);
        }

        /** Discards the document unless {@link #finish()} succeeded. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                encryptor.wipe();
                Arrays.fill(dataKey, (byte) 0);
                writer.abort();
                LOG.debug("blob {} upload aborted", writer.blobId());
            }
        }

        private void ensureActive() {
            if (done) {
                throw new IllegalStateException("upload of blob " + writer.blobId() + " is already finished or closed");
            }
        }
    }
}
