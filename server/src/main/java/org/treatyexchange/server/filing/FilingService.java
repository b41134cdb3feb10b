package org.treatyexchange.server.filing;

import org.treatyexchange.server.application.Refusal;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.crypto.DocumentVault;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.TamperedDocumentException;
import org.treatyexchange.server.timestamp.ReceiptTimestamps;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.SubmissionRecords;
import org.treatyexchange.server.store.Tx;
import org.treatyexchange.server.store.blob.BlobStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a stream of document bytes into a filing, the same way for every channel: the bytes are hashed
 * and encrypted as they arrive (one pass), and on {@link Intake#commit()} the encrypted document is made
 * durable first, then the filing record, its data key, its signed receipt and its audit event commit in
 * one database transaction. Until that commit nothing is visible; if it fails nothing is kept.
 */
public final class FilingService {

    private static final Logger LOG = LoggerFactory.getLogger(FilingService.class);
    private static final int ID_ATTEMPTS = 3;

    private final Store store;
    private final DocumentVault vault;
    private final BlobStore blobs;
    private final ReceiptSigner receiptSigner;
    private final AuditLog audit;
    private final Clock clock;
    private final long maxFileSize;
    private final long accountQuota;
    private final FilingPolicy policy;
    private final UploadsInFlight uploads;
    private final long freeSpaceReserve;
    private final ReceiptTimestamps timestamps;
    /** Documents being received or stored but not yet recorded or discarded: what a graceful stop waits for. */
    private final Object inFlightLock = new Object();
    private int inFlight;
    private boolean draining;

    /**
     * @param maxUploadsPerAccount uploads one account may have in flight at once on this node
     * @param freeSpaceReserve     free bytes the document store keeps: below it a new upload is refused as storage full
     */
    public FilingService(Store store, DocumentVault vault, BlobStore blobs, ReceiptSigner receiptSigner, AuditLog audit,
            Clock clock, long maxFileSize, long accountQuota, int maxUploadsPerAccount, long freeSpaceReserve, FilingPolicy policy) {
        this(store, vault, blobs, receiptSigner, audit, clock, maxFileSize, accountQuota, maxUploadsPerAccount, freeSpaceReserve, policy,
                ReceiptTimestamps.off());
    }

    /** As above, with receipts timestamped as {@code timestamps} says (issue 21). */
    public FilingService(Store store, DocumentVault vault, BlobStore blobs, ReceiptSigner receiptSigner, AuditLog audit,
            Clock clock, long maxFileSize, long accountQuota, int maxUploadsPerAccount, long freeSpaceReserve, FilingPolicy policy,
            ReceiptTimestamps timestamps) {
        this.timestamps = timestamps;
        this.policy = policy;
        this.uploads = new UploadsInFlight(accountQuota, maxUploadsPerAccount);
        this.freeSpaceReserve = freeSpaceReserve;
        this.store = store;
        this.vault = vault;
        this.blobs = blobs;
        this.receiptSigner = receiptSigner;
        this.audit = audit;
        this.clock = clock;
        this.maxFileSize = maxFileSize;
        this.accountQuota = accountQuota;
    }

    /** What an accepted filing yields: the stored record and the server-signed receipt (CMS, DER). */
    public record Accepted(FilingRecord filing, byte[] signedReceipt) {
    }

    /**
     * Starts receiving a document. Refuses at once when the document store's free space is below its
     * reserve, when the account already has the most uploads in flight, or when its quota is used up by
     * its filings and the uploads in flight.
     */
    public Intake begin(Submission submission) throws Refusal {
        long used;
        try {
            used = store.read(tx -> tx.filings().totalBytesOfAccount(submission.account()));
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the store is unavailable; try again later", e);
        }
        requireFreeSpace(submission);
        UploadsInFlight.Slot slot;
        try {
            slot = uploads.begin(submission.account(), used);
        } catch (Refusal r) {
            refuse(submission, r.code(), 0);
            throw r;
        }
        Ticket ticket;
        try {
            ticket = enter(slot);
        } catch (Refusal r) {
            slot.end(false);
            throw r;
        }
        try {
            return new Intake(submission, vault.begin(), policy.contentRule(submission).orElse(null), ticket);
        } catch (IOException e) {
            ticket.done();
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the document store is unavailable; try again later", e);
        } catch (RuntimeException e) {
            ticket.done();
            throw e;
        }
    }

    /** Refuses a new upload while the document store has less free space than its reserve (reads and records go on). */
    private void requireFreeSpace(Submission submission) throws Refusal {
        if (freeSpaceReserve <= 0) {
            return;
        }
        java.util.OptionalLong free;
        try {
            free = blobs.usableSpace();
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the document store is unavailable; try again later", e);
        }
        if (free.isPresent() && free.getAsLong() < freeSpaceReserve) {
            LOG.error("the document store's free space is below its reserve ({} bytes): new uploads are refused", freeSpaceReserve);
            refuse(submission, "storage-full", 0);
            throw new Refusal(Refusal.Reason.STORAGE_FULL, "the server's storage is full; nothing was kept; try again later");
        }
    }

    /**
     * Marks one document in flight, from {@link #begin} until it is recorded or discarded. Released
     * exactly once, however many of the paths that end it run.
     */
    public static final class Ticket {
        private final FilingService owner;
        private final UploadsInFlight.Slot slot;
        private final AtomicBoolean done = new AtomicBoolean();

        private Ticket(FilingService owner, UploadsInFlight.Slot slot) {
            this.owner = owner;
            this.slot = slot;
        }

        /** The document's bytes are now among its account's recorded ones. */
        void recorded() {
            slot.end(true);
        }

        void done() {
            if (done.compareAndSet(false, true)) {
                slot.end(false);
                owner.leave();
            }
        }
    }

    private Ticket enter(UploadsInFlight.Slot slot) throws Refusal {
        synchronized (inFlightLock) {
            if (draining) {
                throw new Refusal(Refusal.Reason.UNAVAILABLE, "the server is shutting down; try again shortly");
            }
            inFlight++;
        }
        return new Ticket(this, slot);
    }

    private void leave() {
        synchronized (inFlightLock) {
            inFlight--;
            inFlightLock.notifyAll();
        }
    }

    /** Documents being received right now, on every channel (for the metrics). */
    public int inFlight() {
        synchronized (inFlightLock) {
            return inFlight;
        }
    }

    /**
     * Graceful stop: refuses new documents from now on and waits up to {@code grace} for those in
     * flight to be recorded or discarded. Returns how many were still in flight (their channels will
     * abort them: nothing of them is kept).
     */
    public int drain(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlightLock) {
            draining = true;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return inFlight;
        }
    }

    /** One document being received. Not thread-safe: one channel writes it in order. */
    public final class Intake implements Closeable {
        private final Submission submission;
        private final DocumentVault.Upload upload;
        private final ContentRule rule;
        /** A copy of a structured document, to check when it ends; null when its report type has no format. */
        private final java.io.ByteArrayOutputStream structured;
        private final Ticket ticket;
        private boolean finished;

        private Intake(Submission submission, DocumentVault.Upload upload, ContentRule rule, Ticket ticket) {
            this.submission = submission;
            this.upload = upload;
            this.rule = rule;
            this.structured = rule == null ? null : new java.io.ByteArrayOutputStream();
            this.ticket = ticket;
        }

        public Submission submission() {
            return submission;
        }

        public long size() {
            return upload.size();
        }

        /** Appends document bytes; refuses (and discards everything) past the size limit or quota. */
        public void write(byte[] b, int off, int len) throws Refusal {
            if (finished) {
                throw new IllegalStateException("intake already finished");
            }
            long after = upload.size() + len;
            if (after > maxFileSize) {
                abort("too-large");
                throw new Refusal(Refusal.Reason.TOO_LARGE, "the document exceeds the maximum size of " + maxFileSize + " bytes");
            }
            try {
                ticket.slot.reserve(len); // before the bytes are kept: concurrent uploads share the quota
            } catch (Refusal r) {
                abort(r.code());
                throw r;
            }
            if (structured != null) {
                if (after > rule.maxBytes()) {
                    abort("invalid-content");
                    throw new Refusal(Refusal.Reason.INVALID_CONTENT, "a " + submission.reportType()
                            + " document is at most " + rule.maxBytes() + " bytes");
                }
                structured.write(b, off, len);
            }
            try {
                upload.write(b, off, len);
            } catch (IOException e) {
                abort(StorageFailures.reason(e));
                throw StorageFailures.refusal(e);
            }
        }

        /**
         * Makes the filing durable and returns it with its signed receipt. On failure nothing is kept
         * and the refusal is audited.
         */
        public Accepted commit() throws Refusal {
            return record(List.of(finish(upload.size() <= OVERLAPPED_FLUSH_MAX_BYTES)), NO_MORE).get(0);
        }

        /**
         * Seals and stores the document (durable, encrypted) without recording it yet: for callers that
         * check it first and record several documents in one transaction ({@link #record}).
         */
        public Received finish() throws Refusal {
            return finish(false);
        }

        /**
         * With {@code overlapped}, the blob's flushes and rename run on the flusher while the caller goes on
         * to the filing's transaction, which waits for them before it commits ({@link #record}): the record
         * still never commits before its document is durable. A single document's CLOSE saves most of its
         * flush time (bench part b; docs/PERFORMANCE.md "Small files, round 4").
         */
        private Received finish(boolean overlapped) throws Refusal {
            if (finished) {
                throw new IllegalStateException("intake already finished");
            }
            if (structured != null) {
                Optional<String> problem = rule.problem(submission, structured.toByteArray());
                if (problem.isPresent()) {
                    abort("invalid-content");
                    throw new Refusal(Refusal.Reason.INVALID_CONTENT, problem.get());
                }
            }
            finished = true;
            try {
                if (overlapped) {
                    DocumentVault.Sealed sealed = upload.seal(FLUSHER);
                    return new Received(submission, sealed.document(), ticket, sealed.durable());
                }
                return new Received(submission, upload.finish(), ticket, DURABLE);
            } catch (IOException e) {
                upload.close();
                ticket.done();
                refuse(submission, StorageFailures.reason(e), upload.size());
                throw StorageFailures.refusal(e);
            }
        }

        /** Discards what was received, audits why. Safe to call more than once. */
        public void abort(String why) {
            if (finished) {
                return;
            }
            finished = true;
            upload.close();
            ticket.done();
            refuse(submission, why, upload.size());
        }

        /** Aborts unless committed: a channel that closes without commit keeps nothing. */
        @Override
        public void close() {
            abort("incomplete");
        }
    }

    /**
     * A stored, not yet recorded document (see {@link Intake#finish()}); in flight until recorded or discarded.
     * {@code durable} completes once the document is durable (at once, unless its flush overlaps the
     * recording transaction: {@link Intake#commit()}).
     */
    public record Received(Submission submission, DocumentVault.StoredDocument document, Ticket ticket,
            CompletableFuture<Void> durable) {

        /** Waits until the document is durable; its failure to become so is the filing's refusal. */
        void awaitDurable() throws Refusal {
            try {
                durable.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refusal(Refusal.Reason.UNAVAILABLE, "interrupted while the document was stored; nothing was kept", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? StorageFailures.refusal(io)
                        : new Refusal(Refusal.Reason.UNAVAILABLE, "the document could not be stored; nothing was kept", e.getCause());
            }
        }

        /**
         * Waits until the flush has ended, however it ended (before the blob may be deleted); returns the
         * audit reason of a failed flush (as {@link Intake#finish()} gives it), or null.
         */
        String awaitFlushEnded() {
            try {
                durable.join();
                return null;
            } catch (CompletionException e) { // the flusher discarded the blob itself
                return StorageFailures.reason(e.getCause());
            }
        }
    }

    private static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);

    /**
     * The largest document whose flush overlaps its filing's transaction. Write transactions run one after
     * the other ({@code GroupCommit}), so waiting there for a long flush would hold up every other filing;
     * a small document's flush is about over by the time its transaction is, and a larger one's is flushed
     * before the transaction, in parallel with other sessions' (bench part c).
     */
    static final long OVERLAPPED_FLUSH_MAX_BYTES = 256 * 1024;

    /**
     * Commits blobs whose flush overlaps the recording transaction ({@link Intake#commit()}): one thread per
     * document being flushed (idle threads are reused, then end), so concurrent uploads flush in parallel as
     * when each flushed on its own channel's thread.
     */
    private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "document-flush");
        t.setDaemon(true);
        return t;
    });

    /** More work for the transaction that records filings (e.g. the message they came in). */
    public interface AlsoInTransaction {
        /**
         * Runs in the recording transaction, after the filings; {@code at} is their received-at time. A
         * receipt it issues is signed here, once its audit event is chained ({@link AuditLog#appendNow}),
         * so that it can name its anchor.
         */
        void run(Tx tx, List<Accepted> filings, Instant at) throws Exception;
    }

    private static final AlsoInTransaction NO_MORE = (tx, filings, at) -> {
    };

    /**
     * Records stored documents as filings in ONE transaction, each with its receipt, data key and audit
     * event, plus whatever {@code more} adds; all or nothing. On failure the documents are discarded
     * and the refusal audited.
     */
    public List<Accepted> record(List<Received> received, AlsoInTransaction more) throws Refusal {
        try {
            List<Accepted> accepted = recordAll(received, more);
            List<Integer> recorded = new java.util.ArrayList<>();
            for (int i = 0; i < received.size(); i++) {
                if (accepted.get(i).filing().blobId().equals(received.get(i).document().blobId())) {
                    received.get(i).ticket().recorded(); // not a resend answered with the original
                    recorded.add(i);
                }
            }
            return timestamped(accepted, recorded);
        } finally {
            received.forEach(r -> r.ticket().done());
        }
    }

    /**
     * The new filings' receipts with their timestamps, asked for now that the transaction has committed (within the
     * configured timeout; the ones not stamped go out as issued, saying their timestamp is pending).
     */
    private List<Accepted> timestamped(List<Accepted> accepted, List<Integer> recorded) {
        if (!timestamps.enabled() || recorded.isEmpty()) {
            return accepted;
        }
        List<ReceiptTimestamps.Issued> issued = recorded.stream().map(i -> new ReceiptTimestamps.Issued(
                ReceiptTimestampRecords.filing(accepted.get(i).filing().id()), accepted.get(i).signedReceipt())).toList();
        List<byte[]> handedOut = timestamps.stampNow(issued);
        List<Accepted> out = new java.util.ArrayList<>(accepted);
        for (int k = 0; k < recorded.size(); k++) {
            int i = recorded.get(k);
            out.set(i, new Accepted(accepted.get(i).filing(), handedOut.get(k)));
        }
        return out;
    }

    private List<Accepted> recordAll(List<Received> received, AlsoInTransaction more) throws Refusal {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (int attempt = 1; ; attempt++) {
            List<String> ids = received.stream().map(r -> FilingIds.next(receivedAt)).toList();
            try {
                return store.inTransaction(tx -> {
                    List<Accepted> accepted = new java.util.ArrayList<>();
                    for (int i = 0; i < received.size(); i++) {
                        accepted.add(recordOne(tx, received.get(i), ids.get(i), receivedAt));
                    }
                    more.run(tx, accepted, receivedAt);
                    for (Received r : received) {
                        r.awaitDurable(); // the records never commit before their documents are durable
                    }
                    return accepted;
                });
            } catch (StoreException e) {
                if (e.reason() == StoreException.Reason.DUPLICATE && attempt < ID_ATTEMPTS) {
                    continue; // filing id collision: draw others; submission id taken: the next try answers "already filed"
                }
                Refusal failure = e.getCause() instanceof Refusal fe ? fe
                        : new Refusal(Refusal.Reason.UNAVAILABLE, "the filing could not be recorded; nothing was kept", e);
                if (!(e.getCause() instanceof Refusal)) {
                    LOG.error("filings could not be recorded: {}", e.getMessage());
                }
                discard(received, failure);
                throw failure;
            }
        }
    }

    /** Discards stored documents that will not be recorded, auditing each refusal. */
    public void discard(List<Received> received, Refusal why) {
        for (Received r : received) {
            r.ticket().done();
            String flushFailed = r.awaitFlushEnded(); // a flush still running could create the blob after its deletion
            discardBlob(r.document().blobId());
            refuse(r.submission(), flushFailed != null ? flushFailed : why.code(), r.document().size());
        }
    }

    /** A filing as it would be recorded now, and the content of its receipt. */
    private record Draft(FilingRecord filing, FilingPolicy.Routed routed, byte[] receipt) {
    }

    private Draft draft(Tx tx, Received r, String id, Instant receivedAt) throws Exception {
        Submission s = r.submission();
        DocumentVault.StoredDocument doc = r.document();
        FilingPolicy.Routed routed = policy.route(tx, s);
        // A new version replaces the filing of the same name in the same place: the level the filer
        // said, or, when it said none, the level its instruction gave.
        ConfidentialityLevel place = s.level() != null ? s.level() : routed.level();
        String supersedes = tx.filings()
                .latestByName(s.state(), s.reportType(), place.wireName(), s.fileName())
                .map(FilingRecord::id)
                .orElse(null);
        FilingRecord filing = new FilingRecord(id, s.state(), s.account(), s.keyFingerprint(), s.channel(), s.fileName(),
                s.reportType(), s.period(), routed.level(), routed.namedStates(), s.withheld(), supersedes, doc.size(), doc.sha256Hex(),
                doc.blobId(), receivedAt, policy.statusAtRecording(routed), s.title());
        Receipt receipt = new Receipt(Receipt.CURRENT_VERSION, id, s.state(), s.account(), s.keyFingerprint(), s.channel(),
                s.fileName(), doc.size(), doc.sha256Hex(), receivedAt, s.reportType(), s.period(), routed.level(), supersedes);
        return new Draft(filing, routed, ReceiptJson.toBytes(receipt));
    }

    private Accepted recordOne(Tx tx, Received r, String id, Instant receivedAt) throws Exception {
        Submission s = r.submission();
        DocumentVault.StoredDocument doc = r.document();
        if (s.submissionId() != null) {
            // Race-free: this transaction holds the writers' lock (the audit head), so no other filing under
            // this id can commit between this lookup and our insert below.
            Optional<SubmissionRecords.Used> used = tx.submissions().find(s.state(), s.submissionId());
            if (used.isPresent()) {
                return resent(tx, r, used.get());
            }
        }
        Draft draft = draft(tx, r, id, receivedAt); // read again under the writers' lock: what is recorded
        FilingRecord filing = draft.filing();
        FilingPolicy.Routed routed = draft.routed();
        String supersedes = filing.supersedes();
        tx.documentKeys().insert(doc.key());
        if (!tx.filings().insertWithinQuota(filing, accountQuota)) { // the quota checked as the bytes are counted
            throw new Refusal(Refusal.Reason.QUOTA_EXCEEDED, "the account's storage quota would be exceeded");
        }
        if (s.submissionId() != null) {
            // A clash here (another node got in first) is DUPLICATE: recordAll tries again, and that try's
            // lookup above finds the committed row and answers "already filed".
            tx.submissions().insert(new SubmissionRecords.Used(s.state(), s.submissionId(), id, doc.sha256Hex(), s.fileName(),
                    s.reportType(), s.account(), receivedAt));
        }
        consumeManifest(tx, s);
        AuditEvent event = AuditEvent.ok("filing.accepted", s.account(), s.source(), id)
                .withDetail("state", s.state())
                .withDetail("channel", s.channel())
                .withDetail("fileName", s.fileName())
                .withDetail("reportType", s.reportType())
                .withDetail("level", routed.level().wireName())
                .withDetail("size", Long.toString(doc.size()))
                .withDetail("sha256", doc.sha256Hex())
                .withDetail("keyFingerprint", s.keyFingerprint());
        if (supersedes != null) {
            event = event.withDetail("supersedes", supersedes);
        }
        // Chained now, under the writers' lock every write transaction holds: the receipt names this event
        // as its anchor, so its signature is made here rather than ahead of the transaction.
        byte[] signed = timestamps.asIssued(receiptSigner.sign(draft.receipt(), audit.appendNow(tx, event)));
        tx.filings().insertReceipt(id, signed);
        timestamps.request(tx, ReceiptTimestampRecords.filing(id));
        policy.onRecorded(tx, filing, routed); // its plan, and its release where the policy says at once
        tx.afterCommit(() -> LOG.info("filing {} accepted: state={} account={} size={} level={}", id, s.state(), s.account(),
                doc.size(), routed.level().wireName()));
        return new Accepted(filing, signed);
    }

    /**
     * A document uploaded again under a submission id its State already used. The same document (name,
     * report type, SHA-256) files nothing: the answer is the original filing and its receipt, the copy
     * just received is deleted once this transaction commits, and {@code filing.resent} is audited.
     * Another document under a used id is refused (the caller discards it and audits the refusal).
     */
    private Accepted resent(Tx tx, Received r, SubmissionRecords.Used used) throws Exception {
        Submission s = r.submission();
        DocumentVault.StoredDocument doc = r.document();
        if (!Resend.isSameDocument(used, s, doc.sha256Hex())) {
            throw new Refusal(Refusal.Reason.DUPLICATE_ID, "the manifest's submissionId was already used by this State"
                    + " for another document; nothing was filed (use a new submissionId for a new document or version)");
        }
        FilingRecord original = tx.filings().byId(used.filingId())
                .orElseThrow(() -> new IllegalStateException("a submission id refers to a missing filing"));
        byte[] receipt = tx.filings().receipt(original.id())
                .orElseThrow(() -> new IllegalStateException("a filing has no receipt"));
        consumeManifest(tx, s);
        audit.append(tx, AuditEvent.ok("filing.resent", s.account(), s.source(), original.id())
                .withDetail("state", s.state())
                .withDetail("channel", s.channel())
                .withDetail("fileName", s.fileName())
                .withDetail("reportType", s.reportType())
                .withDetail("sha256", doc.sha256Hex())
                .withDetail("submissionId", s.submissionId())
                .withDetail("keyFingerprint", s.keyFingerprint()));
        tx.afterCommit(() -> {
            discardBlob(doc.blobId());
            LOG.info("upload by {} answered as filing {} (same submission id and document; nothing filed)", s.account(), original.id());
        });
        return new Accepted(original, receipt);
    }

    /** Consumes the manifest the submission applied, with the filing or not at all; a newer one in its slot stays. */
    private static void consumeManifest(Tx tx, Submission s) throws StoreException {
        if (s.manifest() != null) {
            tx.manifests().remove(s.manifest());
        }
    }

    private void discardBlob(String blobId) {
        try {
            blobs.delete(blobId);
        } catch (IOException e) {
            // start-up recovery removes blobs that no record refers to
            LOG.warn("could not remove unrecorded document {}: {}", blobId, e.getMessage());
        }
    }

    private void refuse(Submission s, String why, long bytesReceived) {
        try {
            audit.record(store, AuditEvent.refused("filing.refused", s.account(), s.source(), s.fileName())
                    .withDetail("reason", why)
                    .withDetail("state", s.state())
                    .withDetail("channel", s.channel())
                    .withDetail("reportType", s.reportType())
                    .withDetail("bytesReceived", Long.toString(bytesReceived)));
        } catch (StoreException e) {
            LOG.error("audit of a refused filing by {} failed: {}", s.account(), e.getMessage());
        }
    }

    public Optional<FilingRecord> byId(String id) throws Refusal {
        if (!FilingIds.isWellFormed(id)) {
            return Optional.empty();
        }
        return read(tx -> tx.filings().byId(id));
    }

    /** The filing a drop-folder document path shows ({@link org.treatyexchange.server.store.FilingRecords#currentByName}). */
    public Optional<FilingRecord> currentByName(String state, String reportType, ConfidentialityLevel level, String fileName)
            throws Refusal {
        return read(tx -> tx.filings().currentByName(state, reportType, level.wireName(), fileName));
    }

    public List<FilingRecord> list(FilingQuery query) throws Refusal {
        return read(tx -> tx.filings().list(query));
    }

    public Optional<byte[]> receipt(String filingId) throws Refusal {
        if (!FilingIds.isWellFormed(filingId)) {
            return Optional.empty();
        }
        return read(tx -> tx.filings().receipt(filingId));
    }

    /**
     * Opens a filing's document, decrypted, for reading; every open is audited as a download by
     * {@code actor}. Tampering is detected as the bytes are read.
     */
    public SeekableByteChannel openDocument(FilingRecord filing, String actor, String source) throws Refusal {
        DocumentKey key = read(tx -> tx.documentKeys().byBlobId(filing.blobId()))
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such document"));
        try {
            audit.record(store, AuditEvent.ok("document.read", actor, source, filing.id()).withDetail("state", filing.state()));
        } catch (StoreException e) {
            // an unaudited read must not happen
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the store is unavailable; try again later", e);
        }
        try {
            return vault.openReadOnly(key, filing.size());
        } catch (TamperedDocumentException e) {
            LOG.error("document of filing {} failed its integrity check", filing.id());
            throw new Refusal(Refusal.Reason.TAMPERED, "the stored document failed its integrity check", e);
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the document could not be read", e);
        }
    }

    private <T> T read(Store.TxWork<T> work) throws Refusal {
        try {
            return store.read(work);
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the store is unavailable; try again later", e);
        }
    }
}
