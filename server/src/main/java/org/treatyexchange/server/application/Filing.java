package org.treatyexchange.server.application;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.RoutingRecords;

/**
 * A filing as the edges show it: what was received, from whom, how it was routed and where it stands, under its title
 * (the one its State chose, else the document's name: {@link FilingRecord#shownTitle()}).
 * Where its bytes are kept is not part of it; a document is opened through a desk, which checks again
 * that the caller may read it.
 */
public record Filing(
        String id,
        String state,
        String account,
        String keyFingerprint,
        String channel,
        String fileName,
        String reportType,
        String period,
        ConfidentialityLevel level,
        List<String> namedStates,
        boolean withheld,
        String supersedes,
        long size,
        String sha256,
        Instant receivedAt,
        String status,
        String title) {

    public Filing {
        namedStates = List.copyOf(namedStates);
    }

    static Filing of(FilingRecord r) {
        return new Filing(r.id(), r.state(), r.account(), r.keyFingerprint(), r.channel(), r.fileName(), r.reportType(), r.period(),
                r.level(), r.namedStates(), r.withheld(), r.supersedes(), r.size(), r.sha256(), r.receivedAt(), r.status(),
                r.shownTitle());
    }

    static List<Filing> all(List<FilingRecord> records) {
        return records.stream().map(Filing::of).toList();
    }

    /** The distribution plan routing made for a filing at receipt: what a release executes. */
    public record Plan(ConfidentialityLevel level, String levelSource, List<String> recipients, boolean publicArea, boolean needsReview,
            List<String> reviewReasons) {
        public Plan {
            recipients = List.copyOf(recipients);
            reviewReasons = List.copyOf(reviewReasons);
        }

        static Plan of(RoutingRecords.Plan p) {
            return new Plan(p.level(), p.levelSource(), p.recipients(), p.publicArea(), p.needsReview(), p.reviewReasons());
        }
    }

    /** A filing with its plan (empty for filings from before routing). */
    public record Planned(Filing filing, Optional<Plan> plan) {
    }

    /** One status change of a filing: who decided what, when and why. */
    public record Decision(String status, String actor, String reason, Instant at) {
    }

    /**
     * What a release did: distributed the filing, or (four-eyes) recorded the first person's approval.
     *
     * @param plan          the filing's plan
     * @param distributed   whether the plan was executed now
     * @param firstApprover who approved first at a four-eyes level (the caller, when this release was that approval), or null
     */
    public record Release(Plan plan, boolean distributed, String firstApprover) {
    }

    /** One audit event about a filing, as the console shows it (details are the event's JSON, never a document byte). */
    public record AuditEntry(long seq, Instant at, String type, String actor, String source, String outcome, String details) {
    }
}
