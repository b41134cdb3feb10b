package org.treatyexchange.server.filing;

import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.routing.DistributionPlan;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.Tx;

/**
 * What happens to a filing beyond storing it: which level it really gets (routing may narrow what
 * the filing declared, never widen it) and what follows in the same transaction (its plan, its
 * release). The default keeps the declared level and does nothing more.
 */
public interface FilingPolicy {

    /** The level applied and the named States, decided before the filing is written; the plan, when routed. */
    record Routed(ConfidentialityLevel level, List<String> namedStates, DistributionPlan plan) {
        public Routed {
            namedStates = List.copyOf(namedStates);
        }
    }

    /**
     * Decides the level inside the transaction that records the filing; must fail closed (anything
     * doubtful → {@code secretariat}). Without routing, a filing that says no level stays with the secretariat.
     */
    default Routed route(Tx tx, Submission submission) throws Exception {
        return submission.level() == null ? new Routed(org.treatyexchange.sdk.wire.ConfidentialityLevel.SECRETARIAT, List.of(), null)
                : new Routed(submission.level(), submission.namedStates(), null);
    }

    /**
     * The status the filing is inserted with: {@code received}, or the status {@link #onRecorded} gives it
     * at once, so that the row is written once rather than inserted and updated in the same transaction.
     */
    default String statusAtRecording(Routed routed) {
        return "received";
    }

    /** The format the submission's documents must have, when its report type has one. */
    default Optional<ContentRule> contentRule(Submission submission) {
        return Optional.empty();
    }

    /** Runs inside the transaction that records the filing; an exception rolls everything back. */
    default void onRecorded(Tx tx, FilingRecord filing, Routed routed) throws Exception {
        // nothing by default
    }
}
