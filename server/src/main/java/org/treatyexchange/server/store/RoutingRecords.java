package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/** Distribution plans, release decisions and distributions of filings. */
public interface RoutingRecords {

    /**
     * The plan stored for a filing when it arrived.
     *
     * @param recipients    States entitled to receive it, sorted
     * @param publicArea    whether it goes to the public area
     * @param needsReview   whether routing was unsure (then the level is {@code secretariat})
     * @param reviewReasons why, for the reviewer
     */
    record Plan(String filingId, ConfidentialityLevel level, String levelSource, List<String> recipients, boolean publicArea,
            boolean needsReview, List<String> reviewReasons) {
        public Plan {
            recipients = List.copyOf(recipients);
            reviewReasons = List.copyOf(reviewReasons);
        }
    }

    /** One status change of a filing. */
    record Decision(String filingId, int seq, String status, String actor, String reason, Instant decidedAt) {
    }

    void insertPlan(Plan plan) throws StoreException;

    Optional<Plan> plan(String filingId) throws StoreException;

    /** Sets the filing's status and appends the decision to its history. */
    void decide(String filingId, String status, String actor, String reason, Instant at) throws StoreException;

    /**
     * The first decision of a filing inserted in this same transaction, already with that decision's status:
     * appended as step 1 of its history, without counting the steps before it (there are none) or setting the
     * status again (two statements less per filing than {@link #decide}). Should the filing have a history
     * after all, the insert fails as a duplicate rather than overwrite a step.
     */
    void decideFirst(String filingId, String status, String actor, String reason, Instant at) throws StoreException;

    /**
     * Appends a step to the filing's history without changing its status (a first approval under four-eyes): the
     * history keeps every step, the status only what the filing is now.
     */
    void note(String filingId, String step, String actor, String reason, Instant at) throws StoreException;

    List<Decision> decisions(String filingId) throws StoreException;

    /** Filings with this status, oldest first. */
    List<String> withStatus(String status, int limit) throws StoreException;

    /** Records that a State received a filing; false if it already had (idempotent). */
    boolean distribute(String filingId, String state, Instant at) throws StoreException;

    /** Filing ids distributed to a State, oldest first. */
    List<String> distributedTo(String state) throws StoreException;
}
