package org.treatyexchange.server.application;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.treatyexchange.server.reporting.ReportingStatus;
import org.treatyexchange.server.reporting.StateStatus;

/**
 * Who has filed a report type for a year, as the secretariat's dashboard shows it.
 *
 * @param reportType the report type
 * @param year       the reporting year (the period filed)
 * @param dueDate    the last day on which a report is on time
 * @param states     each State Party, by State code
 */
public record ReportingDashboard(String reportType, int year, LocalDate dueDate, List<StateStatus> states) {

    public ReportingDashboard {
        states = List.copyOf(states);
    }

    /** How many States Parties have each outcome; every outcome present, zero included. */
    public Map<StateStatus.Outcome, Integer> counts() {
        Map<StateStatus.Outcome, Integer> counts = new EnumMap<>(StateStatus.Outcome.class);
        for (StateStatus.Outcome o : StateStatus.Outcome.values()) {
            counts.put(o, 0);
        }
        states.forEach(s -> counts.merge(s.outcome(), 1, Integer::sum));
        return counts;
    }

    /** The rows as RFC 4180 CSV (the same format as {@code scripts/admin reporting-status --csv}). */
    public String csv() {
        return ReportingStatus.csv(states);
    }
}
