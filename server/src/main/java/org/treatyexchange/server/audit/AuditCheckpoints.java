package org.treatyexchange.server.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRecords.Checkpoint;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Signed checkpoints of the audit chain's head: at an interval (and at start-up) the server signs the head
 * with its receipt key when it moved since the last checkpoint, keeps it in the database and writes the
 * newest one beside the database ({@code audit-checkpoint.p7s} in the home), where an intruder in the
 * database alone cannot reach it. Each is an {@link AuditStatement} of kind {@code audit-checkpoint} whose
 * signature carries the head as its anchor, so {@code verify-audit --anchors} takes it like a receipt.
 *
 * <p>One thread of its own ({@code audit-checkpoint}), which signs at most once per interval; a failed
 * checkpoint is logged and tried at the next tick. Several nodes may each sign the same head: the second
 * insert is a duplicate and is ignored.
 */
public final class AuditCheckpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);
    private static final int PAGE = 500;

    /** Signs a statement with the receipt key, with the anchor as a signed attribute. */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] content, AuditAnchor anchor);
    }

    private final Store store;
    private final Signer signer;
    private final Clock clock;
    private final Path latestFile;
    private ScheduledExecutorService timer;

    public AuditCheckpoints(Store store, Signer signer, Clock clock, Path latestFile) {
        this.store = Objects.requireNonNull(store, "store");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.latestFile = Objects.requireNonNull(latestFile, "latestFile");
    }

    /** Signs a checkpoint every {@code interval} from now on. */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            checkpointNow();
        } catch (StoreException | RuntimeException e) {
            LOG.warn("audit checkpoint not signed ({}); trying again at the next interval", e.getMessage());
        }
    }

    /**
     * Signs the current head unless the newest checkpoint already names it; returns the newest checkpoint
     * (empty only while the chain is empty).
     */
    public Optional<Checkpoint> checkpointNow() throws StoreException {
        Checkpoint made = store.inTransaction(tx -> {
            AuditRecords.Head head = tx.audit().head(); // the writers' lock is held: the head cannot move meanwhile
            if (head.seq() == 0) {
                return null;
            }
            Optional<Checkpoint> latest = tx.audit().latestCheckpoint();
            if (latest.isPresent() && latest.get().seq() == head.seq()) {
                return latest.get();
            }
            Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            AuditStatement statement = AuditStatement.checkpoint(head.seq(), head.hash(), at);
            Checkpoint c = new Checkpoint(head.seq(), head.hash(), at, signer.sign(statement.toBytes(), statement.anchor().orElseThrow()));
            tx.audit().insertCheckpoint(c);
            return c;
        });
        if (made == null) {
            return Optional.empty();
        }
        keepOutsideTheDatabase(made);
        return Optional.of(made);
    }

    /** The newest checkpoint kept in the database. */
    public Optional<Checkpoint> latestStored() throws StoreException {
        return store.read(tx -> tx.audit().latestCheckpoint());
    }

    /** The newest checkpoint's signed bytes written beside the database, if any. */
    public Optional<byte[]> latestOutsideTheDatabase() throws IOException {
        return Files.exists(latestFile) ? Optional.of(Files.readAllBytes(latestFile)) : Optional.empty();
    }

    /** Every checkpoint kept, in seq order. */
    public List<Checkpoint> all() throws StoreException {
        List<Checkpoint> out = new java.util.ArrayList<>();
        long after = 0;
        while (true) {
            long from = after;
            List<Checkpoint> page = store.read(tx -> tx.audit().checkpointsAfter(from, PAGE));
            out.addAll(page);
            if (page.size() < PAGE) {
                return out;
            }
            after = page.get(page.size() - 1).seq();
        }
    }

    private void keepOutsideTheDatabase(Checkpoint c) {
        try {
            Path tmp = latestFile.resolveSibling(latestFile.getFileName() + ".tmp");
            Files.write(tmp, c.cms());
            Files.move(tmp, latestFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("the latest audit checkpoint could not be written beside the database: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
