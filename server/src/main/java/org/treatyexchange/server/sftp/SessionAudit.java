package org.treatyexchange.server.sftp;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.application.AuditTrail;

/**
 * Writes the audit rows of SSH logins, logouts and refused logins on threads of its own: MINA calls
 * us for them on its few NIO2 I/O threads, and a database wait there stops every SSH connection.
 * Bounded (a full queue fails the event at once, which for a login closes the session).
 */
final class SessionAudit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionAudit.class);
    private static final int THREADS = 2;
    private static final int QUEUE = 1024;
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final AuditTrail audit;
    private final ThreadPoolExecutor executor;

    SessionAudit(AuditTrail audit) {
        this.audit = audit;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "sftp-session-audit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Records the event off the calling thread; the future completes once it is committed. */
    CompletableFuture<Void> record(AuditEvent event) {
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    audit.record(event);
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the session audit queue is full", e));
        }
    }

    /**
     * Off the calling thread: asks {@code refusal} (which may read the store) whether the act may go on;
     * if it names a reason, records {@code refused} with it and fails, else records {@code event}. The
     * future completes once the row is committed.
     */
    CompletableFuture<Void> recordUnless(java.util.function.Supplier<String> refusal, AuditEvent event,
            java.util.function.Function<String, AuditEvent> refused) {
        try {
            return CompletableFuture.runAsync(() -> {
                String reason;
                try {
                    reason = refusal.get();
                } catch (RuntimeException e) {
                    reason = "registry-unavailable";
                }
                try {
                    if (reason != null) {
                        audit.record(refused.apply(reason));
                        throw new IllegalStateException("login refused: " + reason);
                    }
                    audit.record(event);
                } catch (IllegalStateException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the session audit queue is full", e));
        }
    }

    /** Records the event once {@code before} has finished (either way), keeping the chain in the order of the acts. */
    CompletableFuture<Void> recordAfter(CompletableFuture<?> before, AuditEvent event) {
        return before.handle((ok, failed) -> null).thenCompose(ignored -> record(event));
    }

    /** For events whose act does not depend on them (refusals, logouts): a failure is logged, nothing more. */
    void recordOrLog(CompletableFuture<Void> recorded, String what) {
        recorded.whenComplete((ok, failed) -> {
            if (failed != null) {
                LOG.error("audit of {} could not be written: {}", what, rootMessage(failed));
            }
        });
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    /** Waits briefly for queued events (logouts of the sessions just closed) so the store closes after them. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{} session audit events still queued at shutdown were dropped", executor.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
