package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.Optional;
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
}
