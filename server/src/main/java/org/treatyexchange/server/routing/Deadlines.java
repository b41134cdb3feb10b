package org.treatyexchange.server.routing;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When reports fall due: the one place of the obligations calendar's rules. A periodic report (annual, or one per
 * cycle of several years) is due on its report type's yearly deadline in the year after its period ends; the initial
 * report a number of months after the treaty entered into force for the State.
 */
public final class Deadlines {

    private Deadlines() {
    }

    /**
     * One due date of the calendar.
     *
     * @param reportType the report type owed
     * @param period the period the report covers ({@code 2025}, {@code 2024-2025}), or null for the initial report
     * @param date the last day on which it is on time
     */
    public record Due(String reportType, String period, LocalDate date) {
        public Due {
            Objects.requireNonNull(reportType, "reportType");
            Objects.requireNonNull(date, "date");
        }
    }

    /**
     * The due date of a report covering one calendar year: the report type's yearly deadline in the
     * following year (an annual report for 2025 with deadline 31 May is due 2026-05-31; a 29 February
     * deadline falls on 28 February in a common year). Empty when the report type has no deadline or
     * the period is not a single year (absent, a range, or malformed).
     *
     * @param reportType the report type id; every configured type follows the same rule today
     * @param period the period as filed, or null
     * @param deadline the report type's configured yearly deadline
     */
    public static Optional<LocalDate> dueDate(String reportType, String period, Optional<MonthDay> deadline) {
        return dueDate(reportType, period, deadline, 1);
    }

    /**
     * As {@link #dueDate(String, String, Optional)} for a report type whose reports each cover {@code cycleYears}
     * years: the period must span exactly that many ({@code 2024-2025} for two; a single year for one).
     */
    public static Optional<LocalDate> dueDate(String reportType, String period, Optional<MonthDay> deadline, int cycleYears) {
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(deadline, "deadline");
        if (period == null || deadline.isEmpty()) {
            return Optional.empty();
        }
        return Period.parse(period)
                .filter(p -> cycleYears == 1 ? !p.range() : p.range() && p.end() - p.start() + 1 == cycleYears)
                .map(p -> deadline.get().atYear(p.end() + 1));
    }

    /**
     * The periodic reports of a report type whose due date lies between {@code from} and {@code to} (both included),
     * earliest first. Cycles of several years start at {@code firstYear} and every {@code cycleYears} after (and before).
     */
    public static List<Due> periodic(String reportType, MonthDay deadline, int cycleYears, int firstYear, LocalDate from, LocalDate to) {
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(deadline, "deadline");
        if (cycleYears < 1) {
            throw new IllegalArgumentException("cycleYears must be at least 1");
        }
        List<Due> out = new ArrayList<>();
        // the period ending in year E is due in E + 1
        for (int end = from.getYear() - 1; end <= to.getYear() - 1; end++) {
            int start = end - cycleYears + 1;
            if (Math.floorMod(start - firstYear, cycleYears) != 0) {
                continue;
            }
            LocalDate date = deadline.atYear(end + 1);
            if (!date.isBefore(from) && !date.isAfter(to)) {
                out.add(new Due(reportType, cycleYears == 1 ? Integer.toString(end) : start + "-" + end, date));
            }
        }
        return out;
    }

    /**
     * The periodic report of a report type whose period ends in {@code endYear} (due on the deadline of the year after), or
     * empty when no cycle ends that year: a biennial report whose cycles begin in even years ends only in odd ones. The
     * dashboard's "report for year Y" is this one.
     */
    public static Optional<Due> periodEnding(String reportType, MonthDay deadline, int cycleYears, int firstYear, int endYear) {
        LocalDate due = deadline.atYear(endYear + 1);
        return periodic(reportType, deadline, cycleYears, firstYear, due, due).stream().findFirst();
    }

    /** The initial report's due date: {@code months} after the treaty entered into force for the State. */
    public static Due afterEntryIntoForce(String reportType, LocalDate entryIntoForce, int months) {
        Objects.requireNonNull(entryIntoForce, "entryIntoForce");
        if (months < 1) {
            throw new IllegalArgumentException("months must be at least 1");
        }
        return new Due(reportType, null, entryIntoForce.plusMonths(months));
    }
}
