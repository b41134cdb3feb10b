package org.treatyexchange.server.audit;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Checks the audit chain: seqs run 1, 2, 3 … without gaps, each event's prevHash is the previous
 * event's hash (64 zeros for the first), each hash recomputes from the event's fields (see
 * {@link AuditChain} for the exact serialisation), and the head points at the last event. Names the
 * first bad event. Reads the table in pages, so its size does not matter; safe while the server runs.
 */
public final class AuditVerifier {
    private static final Logger log = LoggerFactory.getLogger(AuditVerifier.class);

    static final int PAGE = 500;
    /** Rounds of catching up with events appended while verifying, before giving up on the race. */
    private static final int MAX_CATCH_UP = 100;

    private AuditVerifier() {
    }

    /** Verifies the chain stored in {@code store}, including its head. */
    public static AuditVerification verify(Store store) throws StoreException {
        Objects.requireNonNull(store, "store");
        ChainWalk walk = new ChainWalk();
        for (int round = 0; round < MAX_CATCH_UP; round++) {
            if (!readAll(store, walk)) {
                return report(walk.failure());
            }
            // Read after the rows: the head only moves forward and commits with its row, so a head
            // ahead of what was read is a concurrent append (read on), never one behind.
            AuditRecords.Head head = store.read(tx -> tx.audit().head());
            if (head.seq() > walk.lastSeq() && hasMore(store, walk.lastSeq())) {
                continue;
            }
            return report(walk.finish(head));
        }
        return report(walk.finish(store.read(tx -> tx.audit().head())));
    }

    /** Verifies rows exported from the table, in seq order (for an auditor offline); no head check. */
    public static AuditVerification verifyRows(Iterator<AuditRow> rows) {
        return verifyRows(rows, null);
    }

    /**
     * Verifies rows exported from the table, in seq order, and that the last one is {@code head}
     * (e.g. the seq and hash of the last line of the {@code audit} log kept elsewhere); null skips that.
     */
    public static AuditVerification verifyRows(Iterator<AuditRow> rows, AuditRecords.Head head) {
        ChainWalk walk = new ChainWalk();
        while (rows.hasNext()) {
            if (!walk.accept(rows.next())) {
                return walk.failure();
            }
        }
        return head == null ? AuditVerification.ok(walk.checked()) : walk.finish(head);
    }

    private static boolean readAll(Store store, ChainWalk walk) throws StoreException {
        while (true) {
            long after = walk.lastSeq();
            List<AuditRow> page = store.read(tx -> tx.audit().after(after, PAGE));
            for (AuditRow row : page) {
                if (!walk.accept(row)) {
                    return false;
                }
            }
            if (page.size() < PAGE) {
                return true;
            }
        }
    }

    private static boolean hasMore(Store store, long afterSeq) throws StoreException {
        return !store.read(tx -> tx.audit().after(afterSeq, 1)).isEmpty();
    }

    private static AuditVerification report(AuditVerification v) {
        if (v.intact()) {
            log.info("audit chain intact: {} events", v.eventsChecked());
        } else {
            log.warn("audit chain broken: {}", v.problem());
        }
        return v;
    }
}
