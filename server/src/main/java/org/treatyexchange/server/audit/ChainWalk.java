package org.treatyexchange.server.audit;

import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;

/**
 * Walks one audit chain in seq order and stops at the first event that breaks it: the one rule both
 * the live verification ({@link AuditVerifier}) and the offline check against anchors ({@link AnchorCheck})
 * apply, so they can never disagree on what an intact chain is.
 */
final class ChainWalk {
    private long lastSeq;
    private String lastHash = AuditChain.GENESIS;
    private long checked;
    private AuditVerification failure;

    /** Takes the next row; false (and {@link #failure()} set) when it breaks the chain. */
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
            return fail(seq, seq == 1 ? "event 1 does not start the chain" : "event " + seq + " does not follow event " + lastSeq);
        }
        if (!AuditChain.hash(row).equals(row.hash())) {
            return fail(seq, "event " + seq + " was edited");
        }
        lastSeq = seq;
        lastHash = row.hash();
        return true;
    }

    /** The outcome once every row was accepted, given the head the chain must end at. */
    AuditVerification finish(AuditRecords.Head head) {
        if (head.seq() > lastSeq) {
            return AuditVerification.bad(checked, lastSeq + 1,
                    "event " + (lastSeq + 1) + " is missing (the head is at event " + head.seq() + ")");
        }
        if (head.seq() < lastSeq) {
            return AuditVerification.bad(checked, head.seq() + 1,
                    "event " + (head.seq() + 1) + " lies beyond the head (the head was moved back to " + head.seq() + ")");
        }
        if (!head.hash().equals(lastHash)) {
            return AuditVerification.bad(checked, lastSeq,
                    lastSeq == 0 ? "the head of the empty chain is not zero" : "the head does not match event " + lastSeq);
        }
        return AuditVerification.ok(checked);
    }

    /** The last event accepted (0 before the first). */
    long lastSeq() {
        return lastSeq;
    }

    /** The hash of the last event accepted (the genesis value before the first). */
    String lastHash() {
        return lastHash;
    }

    /** Rows taken, including a bad one. */
    long checked() {
        return checked;
    }

    /** Why the walk stopped, or null while intact. */
    AuditVerification failure() {
        return failure;
    }

    private boolean fail(long seq, String problem) {
        failure = AuditVerification.bad(checked, seq, problem);
        return false;
    }
}
