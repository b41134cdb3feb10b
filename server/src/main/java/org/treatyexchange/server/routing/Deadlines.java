package org.treatyexchange.server.routing;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.Objects;
import java.util.Optional;

/** When a periodic report falls due. */
public final class Deadlines {

    private Deadlines() {
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
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(deadline, "deadline");
        if (period == null || deadline.isEmpty()) {
            return Optional.empty();
        }
        return Period.parse(period)
                .filter(p -> !p.range())
                .map(p -> deadline.get().atYear(p.start() + 1));
    }
}
