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
        Checker checker = new Checker();
        for (int round = 0; round < MAX_CATCH_UP; round++) {
            if (!readAll(store, checker)) {
                return report(checker.failure);
            }
            // Read after the rows: the head only moves forward and commits with its row, so a head
            // ahead of what was read is a concurrent append (read on), never one behind.
            AuditRecords.Head head = store.read(tx -> tx.audit().head());
            if (head.seq() > checker.lastSeq && hasMore(store, checker.lastSeq)) {
                continue;
            }
            return report(checker.finish(head));
        }
        return report(checker.finish(store.read(tx -> tx.audit().head())));
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
        Checker checker = new Checker();
        while (rows.hasNext()) {
            if (!checker.accept(rows.next())) {
                return checker.failure;
            }
        }
        return head == null ? AuditVerification.ok(checker.checked) : checker.finish(head);
    }

    private static boolean readAll(Store store, Checker checker) throws StoreException {
        while (true) {
            long after = checker.lastSeq;
            List<AuditRow> page = store.read(tx -> tx.audit().after(after, PAGE));
            for (AuditRow row : page) {
                if (!checker.accept(row)) {
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

    /** Incremental check of one chain; stops at the first problem. */
    private static final class Checker {
        long lastSeq;
        String lastHash = AuditChain.GENESIS;
        long checked;
        AuditVerification failure;

        boolean accept(AuditRow row) {
            checked++;
            long expected = lastSeq + 1;
            long seq = row.seq();
            if (seq > expected) {
                return fail(expected, "event " + expected + " is missing");
            }
            if (seq < expected) {
                return fail(seq, "event " + seq + " is out of order or repeated");
            }
            if (!lastHash.equals(row.prevHash())) {
                return fail(seq, seq == 1 ? "event 1 does not start the chain"
                        : "event " + seq + " does not follow event " + lastSeq);
            }
            if (!AuditChain.hash(row).equals(row.hash())) {
                return fail(seq, "event " + seq + " was edited");
            }
            lastSeq = seq;
            lastHash = row.hash();
            return true;
        }

        AuditVerification finish(AuditRecords.Head head) {
            if (head.seq() > lastSeq) {
                return AuditVerification.bad(checked, lastSeq + 1,
                        "event " + (lastSeq + 1) + " is missing (the head is at event " + head.seq() + ")");
            }
            if (head.seq() < lastSeq) {
                return AuditVerification.bad(checked, head.seq() + 1,
                        "event " + (head.seq() + 1) + " lies beyond the head (the head was moved back to "
                                + head.seq() + ")");
            }
            if (!head.hash().equals(lastHash)) {
                return AuditVerification.bad(checked, lastSeq,
                        lastSeq == 0 ? "the head of the empty chain is not zero"
                                : "the head does not match event " + lastSeq);
            }
            return AuditVerification.ok(checked);
        }

        private boolean fail(long seq, String problem) {
            failure = AuditVerification.bad(checked, seq, problem);
            return false;
        }
    }
}
