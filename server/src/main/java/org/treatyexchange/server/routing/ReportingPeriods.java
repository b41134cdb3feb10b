package org.treatyexchange.server.routing;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * Which reporting periods each report type accepts. Messages are safe to return to a filer: they
 * name the rule and quote only a year that has already been read as four digits.
 *
 * <table>
 * <caption>Rules by report type ({@code Y} = today's year)</caption>
 * <tr><th>report type</th><th>period</th></tr>
 * <tr><td>annual-report, nil-annual-report</td><td>required; one year, from 2000 to Y-1 (a past calendar year)</td></tr>
 * <tr><td>initial-report, initial-report-update</td><td>optional; one year, at most Y</td></tr>
 * <tr><td>national-report</td><td>required; one year or two consecutive years (2024-2025), ending at most Y</td></tr>
 * <tr><td>points-of-contact, correspondence</td><td>absent</td></tr>
 * <tr><td>any other</td><td>optional; one year or a range that does not run backwards, ending at most Y</td></tr>
 * </table>
 */
public final class ReportingPeriods {

    /** The first year an annual report may cover. */
    static final int FIRST_ANNUAL_YEAR = 2000;

    private ReportingPeriods() {
    }

    /**
     * Why this period does not fit the report type, or empty when it does.
     *
     * @param reportType the report type id
     * @param period the period as filed, or null when the filing gives none
     * @param today the current date in the secretariat's calendar (pass {@code LocalDate.now(clock)})
     */
    public static Optional<String> problem(String reportType, String period, LocalDate today) {
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(today, "today");
        int thisYear = today.getYear();
        switch (reportType) {
            case "annual-report", "nil-annual-report" -> {
                if (period == null) {
                    return Optional.of("an annual report needs a period: the past calendar year it covers, e.g. "
                            + (thisYear - 1));
                }
                Optional<Period> p = Period.parse(period);
                if (p.isEmpty() || p.get().range()) {
                    return Optional.of("the period of an annual report must be one calendar year, e.g. " + (thisYear - 1));
                }
                int year = p.get().start();
                if (year >= thisYear) {
                    return Optional.of("an annual report covers a past calendar year; " + year + " has not ended");
                }
                if (year < FIRST_ANNUAL_YEAR) {
                    return Optional.of("an annual report may not cover a year before " + FIRST_ANNUAL_YEAR);
                }
                return Optional.empty();
            }
            case "initial-report", "initial-report-update" -> {
                if (period == null) {
                    return Optional.empty();
                }
                Optional<Period> p = Period.parse(period);
                if (p.isEmpty() || p.get().range()) {
                    return Optional.of("the period of an initial report, if given, must be one year, e.g. " + thisYear);
                }
                return future(p.get(), thisYear);
            }
            case "national-report" -> {
                if (period == null) {
                    return Optional.of("a national report needs a period: one year or two consecutive years, e.g. "
                            + (thisYear - 2) + "-" + (thisYear - 1));
                }
                Optional<Period> p = Period.parse(period);
                if (p.isEmpty() || (p.get().range() && p.get().end() != p.get().start() + 1)) {
                    return Optional.of("the period of a national report must be one year or two consecutive years, e.g. "
                            + (thisYear - 2) + "-" + (thisYear - 1));
                }
                return future(p.get(), thisYear);
            }
            case "points-of-contact", "correspondence" -> {
                return period == null ? Optional.empty()
                        : Optional.of("a " + reportType + " filing takes no reporting period");
            }
            default -> {
                if (period == null) {
                    return Optional.empty();
                }
                Optional<Period> p = Period.parse(period);
                if (p.isEmpty()) {
                    return Optional.of("the period must be a year (2025) or a range of years (2024-2025)");
                }
                if (p.get().end() < p.get().start()) {
                    return Optional.of("the period must not end before it starts");
                }
                return future(p.get(), thisYear);
            }
        }
    }

    private static Optional<String> future(Period p, int thisYear) {
        return p.end() > thisYear ? Optional.of("the period must not be in the future; " + p.end() + " has not begun")
                : Optional.empty();
    }
}
