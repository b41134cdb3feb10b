package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.server.audit.AnchorCheck.Anchor;
import org.treatyexchange.server.audit.AnchorCheck.Outcome;
import org.treatyexchange.server.audit.AnchorCheck.Verdict;
import org.treatyexchange.server.store.AuditRow;

/**
 * The offline check of an export against anchors that left the server (receipts, signed checkpoints, the
 * export's own signature), on chains built in memory: what the chain alone cannot show (a cut, a consistent
 * rewrite) is found by an anchor, named with the anchor's source; anchors are taken in seq order whatever
 * order they are given in.
 */
class AnchorCheckTest {

    final List<AuditRow> chain = Chains.of(8);

    Anchor anchorAt(String source, List<AuditRow> rows, int seq) {
        return new Anchor(source, new AuditAnchor(seq, rows.get(seq - 1).hash()));
    }

    static Outcome check(List<AuditRow> rows, List<Anchor> anchors, boolean bytesAsSigned) {
        return AnchorCheck.check(rows.iterator(), anchors, bytesAsSigned);
    }

    @Test
    void anIntactExportAgreeingWithEveryAnchorIsVerified() {
        Outcome o = check(chain, List.of(anchorAt("receipt F-3", chain, 3), anchorAt("checkpoint 8", chain, 8)), true);
        assertThat(o).isEqualTo(new Outcome(Verdict.VERIFIED, null, null, 8, 8, 2));
        assertThat(o.ok()).isTrue();
    }

    @Test
    void withoutAnchorsAnIntactExportIsVerified() {
        assertThat(check(chain, List.of(), true)).isEqualTo(new Outcome(Verdict.VERIFIED, null, null, 8, 8, 0));
    }

    @Test
    void aBrokenChainIsReportedBeforeAnyAnchor() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(4, Chains.withSubject(rows.get(4), "F-forged"));
        Outcome o = check(rows, List.of(anchorAt("receipt F-7", chain, 7)), true);
        assertThat(o).isEqualTo(new Outcome(Verdict.BROKEN, 5L, "event 5 was edited", 5, 4, 0));
        assertThat(o.ok()).isFalse();
    }

    @Test
    void aMissingEventBreaksTheChain() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.remove(1);
        assertThat(check(rows, List.of(), true)).isEqualTo(new Outcome(Verdict.BROKEN, 2L, "event 2 is missing", 2, 1, 0));
    }

    @Test
    void aRepeatedEventBreaksTheChain() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.add(2, chain.get(1));
        assertThat(check(rows, List.of(), true))
                .isEqualTo(new Outcome(Verdict.BROKEN, 2L, "event 2 is out of order or repeated", 3, 2, 0));
    }

    @Test
    void anEventOnAnotherPredecessorBreaksTheChain() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(3, Chains.sealed(4, "F-4", "d".repeat(64)));
        assertThat(check(rows, List.of(), true))
                .isEqualTo(new Outcome(Verdict.BROKEN, 4L, "event 4 does not follow event 3", 4, 3, 0));
    }

    @Test
    void aCutIsFoundByTheFirstAnchorBeyondTheEnd() {
        List<AuditRow> cut = chain.subList(0, 5);
        Outcome o = check(cut, List.of(anchorAt("checkpoint 8", chain, 8), anchorAt("receipt F-7", chain, 7),
                anchorAt("receipt F-2", chain, 2)), true);
        assertThat(o).isEqualTo(new Outcome(Verdict.CUT, 6L,
                "the export ends at event 5 but receipt F-7 names event 7: events 6 to at least 7 were cut", 5, 5, 1));
    }

    @Test
    void aConsistentRewriteIsFoundAtTheFirstAnchorItChanged() {
        List<AuditRow> rewritten = Chains.rewritten(chain, 4);
        // given out of order: the check sorts them, so the agreeing anchor at 2 is named as the last one that agrees
        Outcome o = check(rewritten, List.of(anchorAt("receipt F-6", chain, 6), anchorAt("receipt F-2", chain, 2)), true);
        assertThat(o).isEqualTo(new Outcome(Verdict.REWRITTEN, 6L, "event 6 differs from receipt F-6 (the export has hash "
                + rewritten.get(5).hash() + ", the anchor " + chain.get(5).hash()
                + "): the chain was rewritten (or cut and continued) at or before event 6, after event 2 (receipt F-2 agrees)", 8, 8, 1));
    }

    @Test
    void aRewriteBeforeEveryAnchorNamesNoAgreeingOne() {
        List<AuditRow> rewritten = Chains.rewritten(chain, 1);
        Outcome o = check(rewritten, List.of(anchorAt("checkpoint 3", chain, 3)), true);
        assertThat(o.verdict()).isEqualTo(Verdict.REWRITTEN);
        assertThat(o.badSeq()).isEqualTo(3L);
        assertThat(o.problem()).endsWith("at or before event 3").doesNotContain("agrees");
        assertThat(o.agreed()).isZero();
    }

    @Test
    void anExportCutAndContinuedWithNewEventsIsARewriteNotACut() {
        // events 6 … 8 replaced by others, chained correctly after event 5
        List<AuditRow> continued = new ArrayList<>(chain.subList(0, 5));
        String prev = continued.get(4).hash();
        for (int seq = 6; seq <= 8; seq++) {
            AuditRow r = Chains.sealed(seq, "F-other-" + seq, prev);
            continued.add(r);
            prev = r.hash();
        }
        Outcome o = check(continued, List.of(anchorAt("receipt F-5", chain, 5), anchorAt("receipt F-7", chain, 7)), true);
        assertThat(o.verdict()).isEqualTo(Verdict.REWRITTEN);
        assertThat(o.badSeq()).isEqualTo(7L);
        assertThat(o.agreed()).isEqualTo(1);
    }

    @Test
    void anAgreeingExportWhoseBytesAreNotTheSignedOnesIsAltered() {
        assertThat(check(chain, List.of(anchorAt("receipt F-3", chain, 3)), false)).isEqualTo(new Outcome(Verdict.ALTERED, null,
                "the file is not the bytes the server signed (its SHA-256 differs)", 8, 8, 1));
    }

    @Test
    void aCutOutweighsAlteredBytes() {
        assertThat(check(chain.subList(0, 2), List.of(anchorAt("checkpoint 8", chain, 8)), false).verdict()).isEqualTo(Verdict.CUT);
    }

    @Test
    void anAnchorAtTheLastEventAgrees() {
        assertThat(check(chain, List.of(anchorAt("export", chain, 8)), true).agreed()).isEqualTo(1);
    }
}
