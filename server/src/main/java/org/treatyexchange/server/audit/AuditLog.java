package org.treatyexchange.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Tx;

/**
 * Appends events to the hash-chained audit log. Call {@link #append} inside the transaction of the act
 * itself, so that the act and its audit event commit together or not at all (the event is chained at
 * the end of that transaction); use {@link #record} for
 * acts that change nothing else (refusals). Once committed, each event is also written as one JSON
 * line to the SLF4J logger {@code audit} (with its seq and hash: a copy outside the database that
 * anchors the chain). Thread-safe.
 */
public final class AuditLog {
    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private volatile AuditObserver observer = new AuditObserver() { };

    public AuditLog(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Who sees each event once committed (the metrics); replaces the previous observer. */
    public void observe(AuditObserver newObserver) {
        this.observer = Objects.requireNonNull(newObserver, "observer");
    }

    /**
     * Appends the event as the last step of the transaction, just before its commit (events of one
     * transaction in the order given). Only then is the chain head locked — appenders on every node
     * queue there until the commit —, so the lock is held for the insert and the commit, not for the
     * rest of the work, and no transaction holding the head ever waits for another row.
     */
    public void append(Tx tx, AuditEvent event) throws StoreException {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(event, "event");
        String details = canonicalDetails(event); // fails now, in the act, rather than at commit
        tx.beforeCommit(() -> appendNow(tx, event, details));
    }

    /**
     * Chains the event at once (not at the end of the transaction) and returns its anchor: the seq and
     * hash it gets, which is the chain's head at this transaction's commit for what it records, so that
     * the receipt signed next can name it. Every write transaction already holds the writers' lock (the
     * head, taken first by the store), so chaining early holds it no longer; events appended with
     * {@link #append} in the same transaction are chained after this one.
     */
    public AuditAnchor appendNow(Tx tx, AuditEvent event) throws StoreException {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(event, "event");
        AuditRow row = appendNow(tx, event, canonicalDetails(event));
        return new AuditAnchor(row.seq(), row.hash());
    }

    /** Appends the event in a transaction of its own. */
    public AuditRow record(Store store, AuditEvent event) throws StoreException {
        Objects.requireNonNull(event, "event");
        String details = canonicalDetails(event);
        return store.inTransaction(tx -> appendNow(tx, event, details));
    }

    /** Locks the chain head, chains the event onto it and stores it. */
    private AuditRow appendNow(Tx tx, AuditEvent event, String details) throws StoreException {
        AuditRecords.Head head = tx.audit().lockHead();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AuditRow unsigned = new AuditRow(head.seq() + 1, at, event.type(), event.actor(), event.source(),
                event.subject(), event.outcome(), details, head.hash(), null);
        AuditRow row = new AuditRow(unsigned.seq(), at, event.type(), event.actor(), event.source(),
                event.subject(), event.outcome(), details, head.hash(), AuditChain.hash(unsigned));
        tx.audit().append(row);
        String line = logLine(row);
        tx.afterCommit(() -> {
            AUDIT.info(line);
            observer.committed(event, row.seq());
        });
        return row;
    }

    /** Sorted keys, no whitespace: the same details always give the same text, hence the same hash. */
    static String canonicalDetails(AuditEvent event) {
        try {
            return JSON.writeValueAsString(event.details()); // a SortedMap: keys come out sorted
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise audit details", e);
        }
    }

    static String logLine(AuditRow row) {
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", row.seq());
        n.put("at", AuditChain.formatAt(row.at()));
        n.put("type", row.type());
        n.put("actor", row.actor());
        n.put("source", row.source());
        n.put("subject", row.subject());
        n.put("outcome", row.outcome());
        try {
            n.set("details", JSON.readTree(row.details()));
        } catch (JsonProcessingException e) {
            n.put("details", row.details());
        }
        n.put("prevHash", row.prevHash());
        n.put("hash", row.hash());
        return n.toString();
    }
}
