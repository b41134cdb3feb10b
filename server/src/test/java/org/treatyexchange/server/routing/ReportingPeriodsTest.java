package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Periods for every report type, at the calendar boundaries; today is always injected. */
class ReportingPeriodsTest {

    @ParameterizedTest(name = "{0} [{1}] on {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
        # report type         | period    | today      | problem, or OK
        annual-report         | NONE      | 2026-03-15 | an annual report needs a period: the past calendar year it covers, e.g. 2025
        annual-report         | 2025      | 2026-03-15 | OK
        annual-report         | 2025      | 2026-01-01 | OK
        annual-report         | 2025      | 2025-12-31 | an annual report covers a past calendar year; 2025 has not ended
        annual-report         | 2026      | 2026-03-15 | an annual report covers a past calendar year; 2026 has not ended
        annual-report         | 2027      | 2026-03-15 | an annual report covers a past calendar year; 2027 has not ended
        annual-report         | 2000      | 2026-03-15 | OK
        annual-report         | 1999      | 2026-03-15 | an annual report may not cover a year before 2000
        annual-report         | 2024-2025 | 2026-03-15 | the period of an annual report must be one calendar year, e.g. 2025
        annual-report         | 25        | 2026-03-15 | the period of an annual report must be one calendar year, e.g. 2025
        annual-report         | '2025 '   | 2026-03-15 | the period of an annual report must be one calendar year, e.g. 2025
        annual-report         | ２０２５    | 2026-03-15 | the period of an annual report must be one calendar year, e.g. 2025
        annual-report         | ''        | 2026-03-15 | the period of an annual report must be one calendar year, e.g. 2025
        nil-annual-report     | NONE      | 2026-03-15 | an annual report needs a period: the past calendar year it covers, e.g. 2025
        nil-annual-report     | 2025      | 2026-03-15 | OK
        nil-annual-report     | 2026      | 2026-12-31 | an annual report covers a past calendar year; 2026 has not ended
        nil-annual-report     | 2026      | 2027-01-01 | OK
        nil-annual-report     | 1999      | 2026-03-15 | an annual report may not cover a year before 2000
        nil-annual-report     | 2025-2025 | 2026-03-15 | the period of an annual report must be one calendar year, e.g. 2025
        initial-report        | NONE      | 2026-03-15 | OK
        initial-report        | 2026      | 2026-03-15 | OK
        initial-report        | 1998      | 2026-03-15 | OK
        initial-report        | 2027      | 2026-12-31 | the period must not be in the future; 2027 has not begun
        initial-report        | 2027      | 2027-01-01 | OK
        initial-report        | 2024-2025 | 2026-03-15 | the period of an initial report, if given, must be one year, e.g. 2026
        initial-report        | first     | 2026-03-15 | the period of an initial report, if given, must be one year, e.g. 2026
        initial-report-update | NONE      | 2026-03-15 | OK
        initial-report-update | 2026      | 2026-03-15 | OK
        initial-report-update | 2027      | 2026-03-15 | the period must not be in the future; 2027 has not begun
        initial-report-update | 2025-2026 | 2026-03-15 | the period of an initial report, if given, must be one year, e.g. 2026
        national-report       | NONE      | 2026-03-15 | a national report needs a period: one year or two consecutive years, e.g. 2024-2025
        national-report       | 2025      | 2026-03-15 | OK
        national-report       | 2024-2025 | 2026-03-15 | OK
        national-report       | 2025-2026 | 2026-03-15 | OK
        national-report       | 2026-2027 | 2026-12-31 | the period must not be in the future; 2027 has not begun
        national-report       | 2026-2027 | 2027-01-01 | OK
        national-report       | 2027      | 2026-03-15 | the period must not be in the future; 2027 has not begun
        national-report       | 2023-2025 | 2026-03-15 | the period of a national report must be one year or two consecutive years, e.g. 2024-2025
        national-report       | 2025-2024 | 2026-03-15 | the period of a national report must be one year or two consecutive years, e.g. 2024-2025
        national-report       | 2025-2025 | 2026-03-15 | the period of a national report must be one year or two consecutive years, e.g. 2024-2025
        national-report       | 2024/2025 | 2026-03-15 | the period of a national report must be one year or two consecutive years, e.g. 2024-2025
        points-of-contact     | NONE      | 2026-03-15 | OK
        points-of-contact     | 2025      | 2026-03-15 | a points-of-contact filing takes no reporting period
        points-of-contact     | ''        | 2026-03-15 | a points-of-contact filing takes no reporting period
        correspondence        | NONE      | 2026-03-15 | OK
        correspondence        | 2025      | 2026-03-15 | a correspondence filing takes no reporting period
        stockpile-report      | NONE      | 2026-03-15 | OK
        stockpile-report      | 2026      | 2026-03-15 | OK
        stockpile-report      | 1990      | 2026-03-15 | OK
        stockpile-report      | 2020-2026 | 2026-03-15 | OK
        stockpile-report      | 2025-2025 | 2026-03-15 | OK
        stockpile-report      | 2027      | 2026-03-15 | the period must not be in the future; 2027 has not begun
        stockpile-report      | 2025-2027 | 2026-03-15 | the period must not be in the future; 2027 has not begun
        stockpile-report      | 2025-2024 | 2026-03-15 | the period must not end before it starts
        stockpile-report      | 2025-     | 2026-03-15 | the period must be a year (2025) or a range of years (2024-2025)
        stockpile-report      | 2025-2026-2027 | 2026-03-15 | the period must be a year (2025) or a range of years (2024-2025)
        """)
    void periodRules(String reportType, String period, LocalDate today, String problem) {
        Optional<String> expected = problem.equals("OK") ? Optional.empty() : Optional.of(problem);

        assertThat(ReportingPeriods.problem(reportType, period, today)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"annual-report", "nil-annual-report", "initial-report", "initial-report-update",
        "national-report", "points-of-contact", "correspondence", "stockpile-report"})
    void aHostilePeriodIsRefusedWithoutBeingEchoed(String reportType) {
        String hostile = "<script>\u001b[2J";

        Optional<String> problem = ReportingPeriods.problem(reportType, hostile, LocalDate.of(2026, 3, 15));

        assertThat(problem).isPresent();
        assertThat(problem.get()).doesNotContain("<script>", "\u001b");
    }
}
