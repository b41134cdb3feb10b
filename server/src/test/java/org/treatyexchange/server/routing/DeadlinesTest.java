package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A one-year report falls due on the deadline of the following year; anything else has no due date. */
class DeadlinesTest {

    @ParameterizedTest(name = "{0} [{1}] deadline {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
        # report type     | period    | deadline | due date
        annual-report     | 2025      | 05-31    | 2026-05-31
        nil-annual-report | 2025      | 05-31    | 2026-05-31
        annual-report     | 2000      | 05-31    | 2001-05-31
        annual-report     | 2025      | 12-31    | 2026-12-31
        annual-report     | 2023      | 02-29    | 2024-02-29
        annual-report     | 2024      | 02-29    | 2025-02-28
        national-report   | 2025      | 06-30    | 2026-06-30
        annual-report     | NONE      | 05-31    | NONE
        annual-report     | 2025      | NONE     | NONE
        national-report   | 2024-2025 | 06-30    | NONE
        annual-report     | ''        | 05-31    | NONE
        annual-report     | '2025 '   | 05-31    | NONE
        annual-report     | 20x5      | 05-31    | NONE
        """)
    void dueDates(String reportType, String period, String deadline, LocalDate due) {
        Optional<MonthDay> configured = Optional.ofNullable(deadline).map(d -> MonthDay.parse("--" + d));

        assertThat(Deadlines.dueDate(reportType, period, configured)).isEqualTo(Optional.ofNullable(due));
    }

    @Test
    void aBiennialReportCoversTwoYearsAndIsDueOnTheDeadlineAfterThem() {
        Optional<MonthDay> june30 = Optional.of(MonthDay.of(6, 30));
        assertThat(Deadlines.dueDate("national-report", "2024-2025", june30, 2)).contains(LocalDate.of(2026, 6, 30));
        assertThat(Deadlines.dueDate("national-report", "2025", june30, 2)).isEmpty();
        assertThat(Deadlines.dueDate("national-report", "2023-2025", june30, 2)).isEmpty();

        assertThat(Deadlines.periodic("national-report", MonthDay.of(6, 30), 2, 2024, LocalDate.of(2026, 1, 1), LocalDate.of(2029, 12, 31)))
                .containsExactly(new Deadlines.Due("national-report", "2024-2025", LocalDate.of(2026, 6, 30)),
                        new Deadlines.Due("national-report", "2026-2027", LocalDate.of(2028, 6, 30)));
    }

    @Test
    void theCalendarOfAnnualReportsListsEachYearsReportByItsDueDateInTheWindow() {
        assertThat(Deadlines.periodic("annual-report", MonthDay.of(5, 31), 1, 2000, LocalDate.of(2026, 5, 1), LocalDate.of(2027, 5, 31)))
                .isEqualTo(List.of(new Deadlines.Due("annual-report", "2025", LocalDate.of(2026, 5, 31)),
                        new Deadlines.Due("annual-report", "2026", LocalDate.of(2027, 5, 31))));
        assertThat(Deadlines.periodic("annual-report", MonthDay.of(5, 31), 1, 2000, LocalDate.of(2026, 6, 1), LocalDate.of(2027, 5, 30)))
                .isEmpty();
    }

    @Test
    void theInitialReportIsDueTheConfiguredMonthsAfterEntryIntoForce() {
        assertThat(Deadlines.afterEntryIntoForce("initial-report", LocalDate.of(2014, 12, 24), 12))
                .isEqualTo(new Deadlines.Due("initial-report", null, LocalDate.of(2015, 12, 24)));
        assertThat(Deadlines.afterEntryIntoForce("initial-report", LocalDate.of(2015, 2, 28), 12).date()).isEqualTo(LocalDate.of(2016, 2, 28));
    }

    @Test
    void theReportForAYearIsTheOneWhosePeriodEndsInItAndABiennialOneHasNoneInItsOffYears() {
        MonthDay june30 = MonthDay.of(6, 30);
        assertThat(Deadlines.periodEnding("national-report", june30, 2, 2024, 2025))
                .contains(new Deadlines.Due("national-report", "2024-2025", LocalDate.of(2026, 6, 30)));
        assertThat(Deadlines.periodEnding("national-report", june30, 2, 2024, 2024)).isEmpty();
        assertThat(Deadlines.periodEnding("national-report", june30, 2, 2024, 2026)).isEmpty();
        assertThat(Deadlines.periodEnding("national-report", june30, 2, 2024, 2023))
                .contains(new Deadlines.Due("national-report", "2022-2023", LocalDate.of(2024, 6, 30))); // cycles run backwards too
        assertThat(Deadlines.periodEnding("national-report", june30, 3, 2021, 2026))
                .contains(new Deadlines.Due("national-report", "2024-2026", LocalDate.of(2027, 6, 30)));
        // a yearly report: every year, the same date as dueDate gives, 29 February included
        assertThat(Deadlines.periodEnding("annual-report", MonthDay.of(5, 31), 1, 2000, 2025))
                .contains(new Deadlines.Due("annual-report", "2025", LocalDate.of(2026, 5, 31)));
        for (int year = 2020; year <= 2028; year++) {
            assertThat(Deadlines.periodEnding("annual-report", MonthDay.of(2, 29), 1, 2000, year).map(Deadlines.Due::date))
                    .as("%d", year).isEqualTo(Deadlines.dueDate("annual-report", Integer.toString(year), Optional.of(MonthDay.of(2, 29))));
        }
    }
}
