package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.store.AuditRow;

/**
 * The chain's hash covers the previous event's hash. The verifier also compares each prevHash with the
 * previous row, so a local edit is caught either way; what only the hash's covering of prevHash gives is
 * anchoring: a receipt names the chain head at its commit, and that one hash must pin every event before
 * it, so that a consistent rewrite of the past (every later hash recomputed) changes the head a receipt
 * holder has. Finding 5 (issue 20): dropping prevHash from the hash was caught by one known-answer test.
 */
class AuditChainTest {

    static final String ZEROS = "0".repeat(64);

    static AuditRow row(long seq, String subject, String prev) {
        return new AuditRow(seq, Instant.parse("2026-11-23T10:15:30.123Z"), "filing.accepted", "arcadia-officer", "127.0.0.1:4000",
                subject, "ok", "{\"size\":\"12\"}", prev, null);
    }

    @Test
    void theSameEventAfterAnotherPredecessorHasAnotherHash() {
        Set<String> hashes = new HashSet<>();
        for (String prev : new String[] {ZEROS, "a".repeat(64), "0".repeat(63) + "1"}) {
            hashes.add(AuditChain.hash(row(7, "F-1", prev)));
        }
        assertThat(hashes).as("one event, three predecessors").hasSize(3);
    }

    @Test
    void aRewriteOfAnEarlyEventChangesTheHeadThatAReceiptNamed() {
        String head = ZEROS;
        String rewrittenHead = ZEROS;
        for (long seq = 1; seq <= 20; seq++) {
            head = AuditChain.hash(row(seq, "F-" + seq, head));
            // the same chain with event 3 rewritten, and every later hash recomputed consistently
            rewrittenHead = AuditChain.hash(row(seq, seq == 3 ? "F-forged" : "F-" + seq, rewrittenHead));
        }
        assertThat(rewrittenHead).as("the head after a consistent rewrite of event 3").isNotEqualTo(head);
    }

    /**
     * The hash as the class javadoc defines it, recomputed here in a few lines (what an auditor does in any
     * language): the chain's definition must not drift from what is documented.
     */
    @Test
    void theHashIsTheDocumentedFormula() throws Exception {
        AuditRow r = new AuditRow(12, Instant.parse("2026-11-23T03:16:11.12Z"), "filing.accepted", "arcadia-officer", "127.0.0.1:4000",
                "F-1", "ok", "{\"name\":\"r\u00e9sum\u00e9\\n.pdf\"}", "a".repeat(64), null);
        String body = "seq:2:12\n" + "at:24:2026-11-23T03:16:11.120Z\n" + "type:15:filing.accepted\n" + "actor:15:arcadia-officer\n"
                + "source:14:127.0.0.1:4000\n" + "subject:3:F-1\n" + "outcome:2:ok\n"
                + "details:" + r.details().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + ":" + r.details() + "\n";
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(("a".repeat(64) + "\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(AuditChain.hash(r)).isEqualTo(java.util.HexFormat.of().formatHex(digest));
        assertThat(r.details().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).as("lengths count UTF-8 bytes")
                .isGreaterThan(r.details().length());
    }

    @Test
    void aMissingValueIsHashedAsEmpty() {
        AuditRow withNull = new AuditRow(1, Instant.parse("2026-11-23T03:16:11.120Z"), "t", "a", "s", null, "ok", "{}", ZEROS, null);
        AuditRow withEmpty = new AuditRow(1, withNull.at(), "t", "a", "s", "", "ok", "{}", ZEROS, null);
        assertThat(AuditChain.hash(withNull)).isEqualTo(AuditChain.hash(withEmpty));
    }

    @Test
    void everyFieldIsCovered() {
        AuditRow base = row(7, "F-1", ZEROS);
        String h = AuditChain.hash(base);
        assertThat(AuditChain.hash(new AuditRow(8, base.at(), base.type(), base.actor(), base.source(), base.subject(), base.outcome(),
                base.details(), ZEROS, null))).isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at().plusMillis(1), base.type(), base.actor(), base.source(), base.subject(),
                base.outcome(), base.details(), ZEROS, null))).isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at(), base.type(), "borealia-officer", base.source(), base.subject(),
                base.outcome(), base.details(), ZEROS, null))).isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at(), "filing.refused", base.actor(), base.source(), base.subject(),
                base.outcome(), base.details(), ZEROS, null))).as("type").isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at(), base.type(), base.actor(), "10.0.0.9:4000", base.subject(),
                base.outcome(), base.details(), ZEROS, null))).as("source").isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at(), base.type(), base.actor(), base.source(), "F-2",
                base.outcome(), base.details(), ZEROS, null))).as("subject").isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at(), base.type(), base.actor(), base.source(), base.subject(), "refused",
                base.details(), ZEROS, null))).isNotEqualTo(h);
        assertThat(AuditChain.hash(new AuditRow(7, base.at(), base.type(), base.actor(), base.source(), base.subject(), base.outcome(),
                "{\"size\":\"13\"}", ZEROS, null))).isNotEqualTo(h);
    }
}
