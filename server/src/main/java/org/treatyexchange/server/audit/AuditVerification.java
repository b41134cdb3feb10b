package org.treatyexchange.server.audit;

/**
 * The outcome of checking the audit chain.
 *
 * @param intact        every event present, unedited, in place, and the head matches the last one
 * @param eventsChecked events read up to and including the first bad one (all of them when intact)
 * @param firstBadSeq   seq of the first bad event, or null when intact
 * @param problem       what is wrong with it in plain words (e.g. {@code event 17 was edited}), or null
 */
public record AuditVerification(boolean intact, long eventsChecked, Long firstBadSeq, String problem) {

    static AuditVerification ok(long eventsChecked) {
        return new AuditVerification(true, eventsChecked, null, null);
    }

    static AuditVerification bad(long eventsChecked, long seq, String problem) {
        return new AuditVerification(false, eventsChecked, seq, problem);
    }
}
