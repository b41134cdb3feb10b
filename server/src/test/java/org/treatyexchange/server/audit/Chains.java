package org.treatyexchange.server.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.treatyexchange.server.store.AuditRow;

/** Audit chains built in memory, hashed as the server hashes them, and the edits an intruder makes to them. */
final class Chains {

    private Chains() {
    }

    /** Events 1 … {@code n}, correctly chained. */
    static List<AuditRow> of(int n) {
        List<AuditRow> rows = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int seq = 1; seq <= n; seq++) {
            AuditRow row = sealed(seq, "F-" + seq, prev);
            rows.add(row);
            prev = row.hash();
        }
        return rows;
    }

    /** An event with its correct hash for {@code prev}. */
    static AuditRow sealed(long seq, String subject, String prev) {
        AuditRow unsealed = new AuditRow(seq, Instant.parse("2026-11-23T10:15:30.123Z").plusSeconds(seq), "filing.accepted",
                "arcadia-officer", "127.0.0.1:4000", subject, "ok", "{\"i\":\"" + seq + "\"}", prev, null);
        return withHash(unsealed, AuditChain.hash(unsealed));
    }

    static AuditRow withHash(AuditRow r, String hash) {
        return new AuditRow(r.seq(), r.at(), r.type(), r.actor(), r.source(), r.subject(), r.outcome(), r.details(), r.prevHash(), hash);
    }

    static AuditRow withSubject(AuditRow r, String subject) {
        return new AuditRow(r.seq(), r.at(), r.type(), r.actor(), r.source(), subject, r.outcome(), r.details(), r.prevHash(), r.hash());
    }

    static AuditRow withPrev(AuditRow r, String prev) {
        return new AuditRow(r.seq(), r.at(), r.type(), r.actor(), r.source(), r.subject(), r.outcome(), r.details(), prev, r.hash());
    }

    /** {@code rows} with event {@code seq}'s subject changed and every later hash recomputed: a consistent rewrite. */
    static List<AuditRow> rewritten(List<AuditRow> rows, long seq) {
        List<AuditRow> out = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (AuditRow r : rows) {
            AuditRow row = sealed(r.seq(), r.seq() == seq ? "F-forged" : r.subject(), prev);
            out.add(row);
            prev = row.hash();
        }
        return out;
    }
}
