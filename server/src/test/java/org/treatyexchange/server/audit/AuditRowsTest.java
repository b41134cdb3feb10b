package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;

/**
 * The verifier's rule on rows alone (what an auditor runs offline on an export, and what the server runs
 * page by page): each tamper is found and the first bad event named, without a database.
 */
class AuditRowsTest {

    final List<AuditRow> chain = Chains.of(6);

    static AuditVerification verify(List<AuditRow> rows) {
        return AuditVerifier.verifyRows(rows.iterator());
    }

    static AuditVerification verify(List<AuditRow> rows, long headSeq, String headHash) {
        return AuditVerifier.verifyRows(rows.iterator(), new AuditRecords.Head(headSeq, headHash));
    }

    @Test
    void anIntactChainIsVerifiedWithEveryEventCounted() {
        assertThat(verify(chain)).isEqualTo(new AuditVerification(true, 6, null, null));
        assertThat(verify(chain, 6, chain.get(5).hash())).isEqualTo(new AuditVerification(true, 6, null, null));
    }

    @Test
    void anEmptyChainIsIntactWhenItsHeadIsZero() {
        assertThat(verify(List.of(), 0, AuditChain.GENESIS)).isEqualTo(new AuditVerification(true, 0, null, null));
        assertThat(verify(List.of(), 0, "f".repeat(64)))
                .isEqualTo(new AuditVerification(false, 0, 0L, "the head of the empty chain is not zero"));
    }

    @Test
    void anEditedEventIsNamed() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(3, Chains.withSubject(rows.get(3), "F-forged"));
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 4, 4L, "event 4 was edited"));
    }

    @Test
    void anEditedFirstEventIsNamed() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(0, Chains.withSubject(rows.get(0), "F-forged"));
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 1, 1L, "event 1 was edited"));
    }

    @Test
    void aDeletedEventIsNamedAsMissing() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.remove(2);
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 3, 3L, "event 3 is missing"));
    }

    @Test
    void aRepeatedEventIsNamed() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.add(3, chain.get(2));
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 4, 3L, "event 3 is out of order or repeated"));
    }

    @Test
    void aChainThatDoesNotStartAtGenesisIsRefused() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(0, Chains.sealed(1, "F-1", "1".repeat(64)));
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 1, 1L, "event 1 does not start the chain"));
    }

    @Test
    void anEventResealedOnAnotherPredecessorDoesNotFollow() {
        // event 5 re-hashed consistently over a forged prevHash: its own hash checks, its link does not
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(4, Chains.sealed(5, "F-5", "b".repeat(64)));
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 5, 5L, "event 5 does not follow event 4"));
    }

    @Test
    void aPrevHashEditedWithoutResealingIsCaughtByItsLinkFirst() {
        List<AuditRow> rows = new ArrayList<>(chain);
        rows.set(2, Chains.withPrev(rows.get(2), "c".repeat(64)));
        assertThat(verify(rows)).isEqualTo(new AuditVerification(false, 3, 3L, "event 3 does not follow event 2"));
    }

    @Test
    void aConsistentRewriteIsIntactOnItsOwnButNotAgainstTheHeadKeptElsewhere() {
        List<AuditRow> rewritten = Chains.rewritten(chain, 2);
        assertThat(verify(rewritten).intact()).as("a rewrite is consistent by itself").isTrue();
        assertThat(verify(rewritten, 6, chain.get(5).hash()))
                .isEqualTo(new AuditVerification(false, 6, 6L, "the head does not match event 6"));
    }

    @Test
    void aCutChainIsFoundByItsHead() {
        assertThat(verify(chain.subList(0, 4), 6, chain.get(5).hash()))
                .isEqualTo(new AuditVerification(false, 4, 5L, "event 5 is missing (the head is at event 6)"));
    }

    @Test
    void aHeadMovedBackIsFound() {
        assertThat(verify(chain, 4, chain.get(3).hash()))
                .isEqualTo(new AuditVerification(false, 6, 5L, "event 5 lies beyond the head (the head was moved back to 4)"));
    }
}
