package org.treatyexchange.server.reporting;

import java.time.Instant;
import java.util.Objects;

/**
 * One State Party's annual report for a year, as {@link ReportingStatus#forYear} finds it.
 *
 * @param state        the State's code
 * @param name         the State's name
 * @param outcome      on time, late, missing, or not yet due (not filed before the due date has passed)
 * @param filedAt      the time that decides the outcome (the first filing not withdrawn); null when missing
 * @param nil          the current version is a nil report; false when missing
 * @param publicReport the current version is public; false when missing
 */
public record StateStatus(String state, String name, Outcome outcome, Instant filedAt, boolean nil, boolean publicReport) {

    /** Whether and when the report came. */
    public enum Outcome {
        /** Filed on or before the due date (to the end of that day, UTC). */
        ON_TIME("on-time", "on time"),
        /** Filed after the due date. */
        LATE("late", "late"),
        /** Not filed, or every filing withdrawn, and the due date has passed. */
        MISSING("missing", "missing"),
        /** Not filed yet, and the due date has not passed. */
        NOT_YET_DUE("not-yet-due", "not yet due");

        private final String wireName;
        private final String label;

        Outcome(String wireName, String label) {
            this.wireName = wireName;
            this.label = label;
        }

        /** The name in CSV and JSON: {@code on-time}, {@code late}, {@code missing}. */
        public String wireName() {
            return wireName;
        }

        /** The words in the text table: {@code on time}, {@code late}, {@code missing}. */
        public String label() {
            return label;
        }
    }

    /** @throws IllegalArgumentException when filedAt, nil or publicReport contradict the outcome */
    public StateStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.MISSING || outcome == Outcome.NOT_YET_DUE) {
            if (filedAt != null || nil || publicReport) {
                throw new IllegalArgumentException("a missing report has no filedAt and is neither nil nor public");
            }
        } else if (filedAt == null) {
            throw new IllegalArgumentException("filedAt is required unless the report is missing");
        }
    }
}
