package org.treatyexchange.server.application;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.treatyexchange.server.reporting.ReportingStatus;
import org.treatyexchange.server.reporting.StateStatus;

/**
 * Who has filed a report type for a year, as the secretariat's dashboard shows it. The obligations calendar decides
 * which report that is ({@link org.treatyexchange.server.release.Obligations#forYear}): a periodic report whose period
 * ends in the year, each State Party's initial report (each with its own due date), or nothing at all in a year in which
 * no report of the type falls due.
 *
 * @param reportType the report type
 * @param year       the reporting year chosen
 * @param dueDate    the last day on which a report is on time, when every row shares it; else null
 * @param states     each State Party counted, by State code
 * @param period     the period the rows are about ({@code 2025}, {@code 2024-2025}), or null (initial report, or none due)
 * @param dues       each row's own due date, by State code, when the rows do not share one (the initial report); else empty
 * @param nothingDue no report of this type falls due for this year (a cycle of several years that does not end in it)
 */
public record ReportingDashboard(String reportType, int year, LocalDate dueDate, List<StateStatus> states, String period,
        Map<String, LocalDate> dues, boolean nothingDue) {

    public ReportingDashboard {
        states = List.copyOf(states);
        dues = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dues));
    }

    /** An empty dashboard (a refused choice shows the form again). */
    public ReportingDashboard(String reportType, int year, LocalDate dueDate, List<StateStatus> states) {
        this(reportType, year, dueDate, states, null, Map.of(), false);
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

    /** A row's due date: the shared one, else its own (null when there is none). */
    public LocalDate dueOf(String state) {
        return dueDate != null ? dueDate : dues.get(state);
    }

    /** The rows as RFC 4180 CSV (the same format as {@code scripts/admin reporting-status --csv}). */
    public String csv() {
        return ReportingStatus.csv(states);
    }
}
