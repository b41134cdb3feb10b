package org.treatyexchange.server.timestamp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.crypto.TimestampRequest;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Tx;

/**
 * RFC 3161 timestamps on receipts, when {@code receipts.timestamping} names authorities (off by default).
 *
 * <ol>
 * <li>In the transaction that records a receipt, {@link #asIssued} marks it "timestamp pending" (an unsigned
 * attribute): that is the receipt as first issued, kept unchanged in the database; {@link #request} writes a row
 * beside it (so a crash after the commit loses no request).</li>
 * <li>After the commit, on the caller's worker thread (never an SSH or Netty I/O thread, never inside a
 * transaction), {@link #stampNow} asks the authorities, all within {@code timeout}: granted, the timestamped
 * receipt (same signature, the token in place of the mark) is kept beside the first and handed out; otherwise the
 * receipt goes out as first issued, saying its timestamp is pending.</li>
 * <li>The {@code receipt-timestamps} thread retries pending receipts, {@code retryInterval} after the first
 * failure, the delay doubling up to {@code maxRetryInterval}, at most {@code maxAttempts} times (then the row is
 * abandoned and that is audited). Every channel (SFTP {@code /receipts/}, a resent HTTPS message, the portal's
 * download) serves the timestamped receipt once it exists.</li>
 * </ol>
 * Nodes sharing a database share the rows: any node retries, the first to store a token wins. Thread-safe.
 */
public final class ReceiptTimestamps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptTimestamps.class);
    private static final int BATCH = 50;

    private final Store store;
    private final ServerConfig.Timestamping settings;
    private final TimestampAuthorities authorities;
    private final AuditLog audit;
    private final Clock clock;
    private ScheduledExecutorService retries;

    private ReceiptTimestamps(Store store, ServerConfig.Timestamping settings, TimestampAuthorities authorities, AuditLog audit,
            Clock clock) {
        this.store = store;
        this.settings = settings;
        this.authorities = authorities;
        this.audit = audit;
        this.clock = clock;
    }

    /** No timestamps: receipts go out as signed. */
    public static ReceiptTimestamps off() {
        return new ReceiptTimestamps(null, ServerConfig.Timestamping.OFF, null, null, Clock.systemUTC());
    }

    /**
     * Timestamps as {@code settings} say ({@link #off()} when they name no authority); the certificates are read now,
     * so that a missing or unreadable one stops the start with its name.
     *
     * @param resolve turns a configured certificate path into a file (relative to home)
     */
    public static ReceiptTimestamps of(Store store, ServerConfig.Timestamping settings, Function<Path, Path> resolve, AuditLog audit,
            Clock clock) throws IOException, GeneralSecurityException {
        if (!settings.enabled()) {
            return off();
        }
        List<X509Certificate> trusted = new ArrayList<>();
        for (Path p : settings.certificates()) {
            Path file = resolve.apply(p);
            try (InputStream in = Files.newInputStream(file)) {
                trusted.add((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
            } catch (IOException | GeneralSecurityException e) {
                throw new IOException("receipts.timestamping.certificates: cannot read the certificate " + file + ": " + e.getMessage(), e);
            }
        }
        return new ReceiptTimestamps(store, settings, new TimestampAuthorities(settings.urls(), trusted, settings.timeout()), audit,
                clock);
    }

    /** Whether receipts are timestamped. */
    public boolean enabled() {
        return authorities != null;
    }

    /**
     * A receipt just signed, as it is to be stored and first handed out: marked "timestamp pending" (unsigned; the
     * signature is unchanged). Unchanged when timestamps are off.
     */
    public byte[] asIssued(byte[] receipt) {
        return enabled() ? TimestampRequest.markPending(receipt, clock.instant()) : receipt;
    }

    /**
     * In the transaction that records the receipt {@code receiptRef}, after the receipt's own row (so that a clash
     * on the receipt, such as a message id already used, is reported as such): asks for its timestamp. Nothing when
     * timestamps are off.
     */
    public void request(Tx tx, String receiptRef) throws StoreException {
        if (!enabled()) {
            return;
        }
        Instant now = clock.instant();
        tx.receiptTimestamps().request(receiptRef, now, now.plus(settings.timeout()).plus(settings.retryInterval()));
    }

    /** A receipt just committed, and its reference. */
    public record Issued(String receiptRef, byte[] receipt) {
    }

    /**
     * After the commit, outside any transaction: asks for the timestamps of {@code issued}, all within the configured
     * timeout, and returns each receipt as it is to be handed out (timestamped, or as issued). After the first
     * receipt no authority stamped, the others are left to the background retries.
     */
    public List<byte[]> stampNow(List<Issued> issued) {
        List<byte[]> out = new ArrayList<>();
        if (!enabled()) {
            issued.forEach(i -> out.add(i.receipt()));
            return out;
        }
        Instant deadline = clock.instant().plus(settings.timeout());
        boolean authoritiesAnswer = true;
        for (Issued i : issued) {
            Optional<byte[]> stamped = authoritiesAnswer ? stampAndKeep(i.receiptRef(), i.receipt(), deadline) : Optional.empty();
            if (stamped.isEmpty() && authoritiesAnswer) {
                authoritiesAnswer = false;
                failed(i.receiptRef(), 0);
            }
            out.add(stamped.orElse(i.receipt()));
        }
        return out;
    }

    /** As {@link #stampNow(List)} for one receipt. */
    public byte[] stampNow(String receiptRef, byte[] receipt) {
        return stampNow(List.of(new Issued(receiptRef, receipt))).get(0);
    }

    /** Starts the background retries ({@code receipt-timestamps}, one daemon thread); nothing when off. */
    public synchronized void start() {
        if (!enabled() || retries != null) {
            return;
        }
        TimestampRequest.warmUp();
        retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "receipt-timestamps");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.min(settings.retryInterval().toMillis(), Duration.ofSeconds(5).toMillis()));
        retries.scheduleWithFixedDelay(() -> {
            try {
                retryDue();
            } catch (RuntimeException e) {
                LOG.error("receipt timestamp retries failed: {}", e.toString()); // the next round tries again
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * One round of background retries: the pending receipts whose next try has come, oldest first, until one is not
     * stamped (the authorities are down: the rest wait for the next round). Returns how many were stamped.
     */
    public int retryDue() {
        if (!enabled()) {
            return 0;
        }
        int stamped = 0;
        try {
            List<ReceiptTimestampRecords.Pending> due = store.read(tx -> tx.receiptTimestamps().due(clock.instant(), BATCH));
            for (ReceiptTimestampRecords.Pending p : due) {
                Optional<byte[]> original = store.read(tx -> tx.receiptTimestamps().original(p.receiptRef()));
                if (original.isEmpty()) {
                    failed(p.receiptRef(), settings.maxAttempts()); // nothing to stamp: give it up at once
                    continue;
                }
                if (stampAndKeep(p.receiptRef(), original.get(), clock.instant().plus(settings.timeout())).isEmpty()) {
                    failed(p.receiptRef(), p.attempts());
                    break;
                }
                stamped++;
            }
        } catch (StoreException e) {
            LOG.warn("receipt timestamp retries: the database is unavailable: {}", e.getMessage());
        }
        return stamped;
    }

    private Optional<byte[]> stampAndKeep(String ref, byte[] receipt, Instant deadline) {
        Optional<TimestampRequest.Stamped> stamped = authorities.stamp(ref, receipt, deadline, clock);
        if (stamped.isEmpty()) {
            return Optional.empty();
        }
        TimestampRequest.Stamped s = stamped.get();
        try {
            boolean mine = store.inTransaction(tx -> {
                if (!tx.receiptTimestamps().stamped(ref, s.receipt(), clock.instant())) {
                    return false; // another node (or try) stamped it first: keep theirs
                }
                audit.append(tx, AuditEvent.ok("receipt.timestamped", "server", "local", ref)
                        .withDetail("authority", s.timestamp().authority())
                        .withDetail("time", s.timestamp().time().toString())
                        .withDetail("serialNumber", s.timestamp().serialNumber()));
                return true;
            });
            if (mine) {
                LOG.info("receipt {} timestamped at {} by {}", ref, s.timestamp().time(), s.timestamp().authority());
            }
            return Optional.of(s.receipt()); // if another node stored its token first, this one is as good
        } catch (StoreException e) {
            LOG.warn("receipt {}: its timestamp could not be kept (tried again later): {}", ref, e.getMessage());
            return Optional.empty();
        }
    }

    /** One more failed try after {@code attemptsBefore}: the next one later (backoff), or none after the last (audited). */
    private void failed(String ref, long attemptsBefore) {
        long attempts = attemptsBefore + 1;
        boolean abandon = attempts >= settings.maxAttempts();
        long factor = 1L << Math.min(attemptsBefore, 30);
        Duration delay = settings.retryInterval().multipliedBy(factor);
        if (delay.compareTo(settings.maxRetryInterval()) > 0) {
            delay = settings.maxRetryInterval();
        }
        Instant next = clock.instant().plus(delay);
        try {
            store.inTransaction(tx -> {
                tx.receiptTimestamps().failed(ref, attempts, next, abandon);
                if (abandon) {
                    audit.append(tx, AuditEvent.failed("receipt.timestamp-abandoned", "server", "local", ref)
                            .withDetail("attempts", Long.toString(attempts)));
                }
                return null;
            });
            if (abandon) {
                LOG.error("receipt {}: no time-stamping authority answered after {} tries; it stays without a timestamp", ref, attempts);
            }
        } catch (StoreException e) {
            LOG.warn("receipt {}: a failed timestamp try could not be recorded: {}", ref, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (retries != null) {
            retries.shutdownNow();
            retries = null;
        }
    }
}
