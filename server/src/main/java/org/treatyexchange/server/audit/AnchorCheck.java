package org.treatyexchange.server.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.server.store.AuditRow;

/**
 * Checks an exported audit chain against anchors that left the server: the head its signature names,
 * receipts held by States, signed checkpoints. The chain alone shows an edited, deleted or swapped
 * event; the anchors show what the chain cannot show by itself: a cut (an anchored event is missing) and
 * a rewrite recomputed after the edit (an anchored event has another hash). Offline; one pass.
 */
public final class AnchorCheck {

    /** What the check found. */
    public enum Verdict {
        /** The chain is intact and every anchor agrees with it. */
        VERIFIED,
        /** The chain itself is broken (an event edited, missing or out of place). */
        BROKEN,
        /** An anchor names an event beyond the export's end: events were cut off. */
        CUT,
        /**
         * An anchor names an event whose hash the export does not have: the chain was rewritten (or cut, and
         * new events appended where the old ones were).
         */
        REWRITTEN,
        /** The chain agrees with every anchor, but the file is not the bytes the server signed. */
        ALTERED
    }

    /**
     * An anchor and where it came from (e.g. {@code receipt F-… (receipts/F-….p7s)}).
     */
    public record Anchor(String source, AuditAnchor anchor) {
        public Anchor {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(anchor, "anchor");
        }
    }

    /**
     * @param verdict  what was found
     * @param badSeq   the event the problem is at (null when verified)
     * @param problem  in plain words, naming the event and the anchor (null when verified)
     * @param events   events read
     * @param lastSeq  the export's last event
     * @param agreed   anchors that agree with the export
     */
    public record Outcome(Verdict verdict, Long badSeq, String problem, long events, long lastSeq, int agreed) {
        public boolean ok() {
            return verdict == Verdict.VERIFIED;
        }
    }

    private AnchorCheck() {
    }

    /**
     * Checks {@code rows} (an export, in seq order) against {@code anchors}; {@code bytesAsSigned} says
     * whether the file's SHA-256 is the one its signature names.
     */
    public static Outcome check(Iterator<AuditRow> rows, List<Anchor> anchors, boolean bytesAsSigned) {
        Map<Long, String> wanted = new HashMap<>();
        anchors.forEach(a -> wanted.put(a.anchor().seq(), null));
        ChainWalk walk = new ChainWalk();
        while (rows.hasNext()) {
            if (!walk.accept(rows.next())) {
                AuditVerification broken = walk.failure();
                return new Outcome(Verdict.BROKEN, broken.firstBadSeq(), broken.problem(), walk.checked(), walk.lastSeq(), 0);
            }
            if (wanted.containsKey(walk.lastSeq())) {
                wanted.put(walk.lastSeq(), walk.lastHash());
            }
        }
        long lastSeq = walk.lastSeq();
        long events = walk.checked();
        List<Anchor> sorted = new ArrayList<>(anchors);
        sorted.sort(Comparator.comparingLong(a -> a.anchor().seq()));
        Anchor lastAgreeing = null;
        Anchor firstBeyond = null;
        int agreed = 0;
        for (Anchor a : sorted) {
            long seq = a.anchor().seq();
            if (seq > lastSeq) {
                if (firstBeyond == null) {
                    firstBeyond = a;
                }
                continue;
            }
            if (!a.anchor().hash().equals(wanted.get(seq))) {
                String after = lastAgreeing == null ? "" : ", after event " + lastAgreeing.anchor().seq() + " (" + lastAgreeing.source() + " agrees)";
                return new Outcome(Verdict.REWRITTEN, seq, "event " + seq + " differs from " + a.source() + " (the export has hash "
                        + wanted.get(seq) + ", the anchor " + a.anchor().hash() + "): the chain was rewritten (or cut and continued) at or before event "
                        + seq
                        + after, events, lastSeq, agreed);
            }
            agreed++;
            lastAgreeing = a;
        }
        if (firstBeyond != null) {
            return new Outcome(Verdict.CUT, lastSeq + 1, "the export ends at event " + lastSeq + " but " + firstBeyond.source()
                    + " names event " + firstBeyond.anchor().seq() + ": events " + (lastSeq + 1) + " to at least "
                    + firstBeyond.anchor().seq() + " were cut", events, lastSeq, agreed);
        }
        if (!bytesAsSigned) {
            return new Outcome(Verdict.ALTERED, null, "the file is not the bytes the server signed (its SHA-256 differs)", events, lastSeq,
                    agreed);
        }
        return new Outcome(Verdict.VERIFIED, null, null, events, lastSeq, agreed);
    }
}
