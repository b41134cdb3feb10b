package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * The obligations beyond the annual report, in the State's overview and the secretariat's dashboard alike, both from the
 * obligations calendar: the initial report (one per State Party, due a year after the treaty entered into force for it,
 * from the registry) and a report of several years (here the national report, every two years, due on 1 January after its
 * period) only in the years it falls due.
 */
class ObligationsCalendarTest {

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final int THIS_YEAR = TODAY.getYear();
    static final int LAST_YEAR = THIS_YEAR - 1;
    /** Arcadia's initial report was due on 1 March last year; Borealia's is due eleven months or so from now. */
    static final LocalDate ARC_ENTRY = LocalDate.of(LAST_YEAR - 1, 3, 1);
    static final LocalDate BOR_ENTRY = TODAY.minusDays(10);
    /** A biennial national report whose cycles end in last year, the year three years ago, and so on. */
    static final String BIENNIAL_PERIOD = (LAST_YEAR - 1) + "-" + LAST_YEAR;
    static final LocalDate BIENNIAL_DUE = LocalDate.of(THIS_YEAR, 1, 1);

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> TestExchange.withRegistry(c, registry())
            .withReportTypes(c.reportTypes().stream().map(t -> !t.id().equals("national-report") ? t
                    : new ServerConfig.ReportType(t.id(), t.name(), ConfidentialityLevel.SECRETARIAT, Optional.of(MonthDay.of(1, 1)), false,
                            new ServerConfig.Schedule(2, LAST_YEAR - 1, 0, Optional.empty()))).toList()));

    static StatePortal portal;

    static Path registry() {
        try {
            Path file = TestExchange.copyShippedRegistry(Files.createTempDirectory("calendar-registry-").resolve("registry.yaml"));
            String text = Files.readString(file);
            assertThat(text).contains("entryIntoForce: 2014-12-24", "entryIntoForce: 2015-06-01");
            Files.writeString(file, text.replace("entryIntoForce: 2014-12-24", "entryIntoForce: " + ARC_ENTRY)
                    .replace("entryIntoForce: 2015-06-01", "entryIntoForce: " + BOR_ENTRY));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void portal() throws Exception {
        portal = StatePortal.of(exchange);
    }

    /** Each row of the overview's obligations table as "type period" → "due outcome". */
    static Map<String, String> obligations(String html) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("<tr data-type=\"([^\"]+)\" data-period=\"([^\"]+)\" data-outcome=\"([^\"]+)\">\\s*<td>[^<]*</td>\\s*"
                + "<td>[^<]*</td>\\s*<td>([^<]*)</td>").matcher(html);
        while (m.find()) {
            out.put(m.group(1) + " " + m.group(2), m.group(4) + " " + m.group(3));
        }
        return out;
    }

    static String passed(LocalDate due) {
        return TODAY.isAfter(due) ? "missing" : "not-yet-due";
    }

    @Test
    void aStatesOverviewListsItsInitialReportOnceAndTheBiennialReportOnlyInTheYearsItFallsDue() throws Exception {
        StatePortal.Session arc = portal.signIn("arcadia-officer");
        Map<String, String> rows = obligations(portal.get(arc, "/state/").body());
        assertThat(rows).containsEntry("initial-report initial", ARC_ENTRY.plusYears(1) + " missing");
        assertThat(rows.keySet().stream().filter(k -> k.startsWith("initial-report"))).hasSize(1);
        // five calendar years of due dates: the biennial report falls due in three of them
        assertThat(rows).containsEntry("national-report " + BIENNIAL_PERIOD, BIENNIAL_DUE + " " + passed(BIENNIAL_DUE))
                .containsEntry("national-report " + (LAST_YEAR - 3) + "-" + (LAST_YEAR - 2), (THIS_YEAR - 2) + "-01-01 missing")
                .containsKey("national-report " + (LAST_YEAR - 5) + "-" + (LAST_YEAR - 4));
        assertThat(rows.keySet().stream().filter(k -> k.startsWith("national-report"))).hasSize(3);
        assertThat(rows.keySet().stream().filter(k -> k.startsWith("annual-report"))).hasSize(5);

        // filed after its due date: late, and still one row
        ConsoleFixture.file(portal, arc, "initial-report", "", "secretariat", "arc-initial.pdf");
        rows = obligations(portal.get(arc, "/state/").body());
        assertThat(rows).containsEntry("initial-report initial", ARC_ENTRY.plusYears(1) + " late");
        assertThat(rows.keySet().stream().filter(k -> k.startsWith("initial-report"))).hasSize(1);

        // Borealia's is not due yet; Sylvania's registry entry has no date, so it owes none the calendar can place
        assertThat(obligations(portal.get(portal.signIn("borealia-officer"), "/state/").body()))
                .containsEntry("initial-report initial", BOR_ENTRY.plusYears(1) + " not-yet-due");
        assertThat(obligations(portal.get(portal.signIn("sylvania-officer"), "/state/").body()).keySet())
                .noneMatch(k -> k.startsWith("initial-report")).anyMatch(k -> k.startsWith("annual-report"));
    }

    @Test
    void theDashboardShowsEachStatesInitialReportWithItsOwnDueDateAndTheBiennialReportOnlyInItsYears() throws Exception {
        StatePortal.Session bor = portal.signIn("borealia-officer");
        ConsoleFixture.file(portal, bor, "national-report", BIENNIAL_PERIOD, "secretariat", "bor-national.pdf");
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);

        HttpResponse<String> initial = portal.get(sec, "/secretariat/dashboard?type=initial-report&year=" + LAST_YEAR);
        assertThat(initial.statusCode()).isEqualTo(200);
        Map<String, String> due = ConsoleFixture.rows(initial.body(), "dashboard", "data-state", "data-due");
        assertThat(due).isEqualTo(Map.of("ARC", ARC_ENTRY.plusYears(1).toString(), "BOR", BOR_ENTRY.plusYears(1).toString()));
        assertThat(ConsoleFixture.rows(initial.body(), "dashboard", "data-state", "data-outcome")).containsEntry("BOR", "not-yet-due")
                .hasEntrySatisfying("ARC", o -> assertThat(o).isIn("missing", "late")); // the other test may have filed it by now
        assertThat(initial.body()).contains("id=\"after-entry-into-force\"").doesNotContain("id=\"due-date\"");
        // the same rows whatever the year
        assertThat(ConsoleFixture.rows(portal.get(sec, "/secretariat/dashboard?type=initial-report&year=" + (LAST_YEAR - 7)).body(),
                "dashboard", "data-state", "data-due")).isEqualTo(due);

        HttpResponse<String> biennial = portal.get(sec, "/secretariat/dashboard?type=national-report&year=" + LAST_YEAR);
        String borealia = TODAY.isAfter(BIENNIAL_DUE) ? "late" : "on-time"; // filed today
        assertThat(ConsoleFixture.rows(biennial.body(), "dashboard", "data-state", "data-outcome")).isEqualTo(Map.of(
                "ARC", passed(BIENNIAL_DUE), "BOR", borealia, "SYL", passed(BIENNIAL_DUE)));
        assertThat(biennial.body()).contains("period " + BIENNIAL_PERIOD + ": " + BIENNIAL_DUE);
        assertThat(portal.get(sec, "/secretariat/dashboard.csv?type=national-report&year=" + LAST_YEAR).body().lines().skip(1)
                .map(l -> l.split(",")[0] + "," + l.split(",")[2]).toList()).contains("BOR," + borealia).hasSize(3);

        // the off year: nothing falls due, no State is counted
        HttpResponse<String> offYear = portal.get(sec, "/secretariat/dashboard?type=national-report&year=" + (LAST_YEAR - 1));
        assertThat(offYear.statusCode()).isEqualTo(200);
        assertThat(offYear.body()).contains("id=\"nothing-due\"");
        assertThat(ConsoleFixture.rows(offYear.body(), "dashboard", "data-state", "data-outcome")).isEmpty();
        assertThat(offYear.body()).contains("<li data-outcome=\"missing\"><span class=\"count\">0</span>");
    }

    @Test
    void theAnnualReportStaysYearlyAndTheSameAsThePublicTable() throws Exception {
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);
        for (int year : List.of(LAST_YEAR, LAST_YEAR - 1)) {
            HttpResponse<String> dashboard = portal.get(sec, "/secretariat/dashboard?type=annual-report&year=" + year);
            assertThat(dashboard.body()).contains("id=\"due-date\"").doesNotContain("id=\"nothing-due\"");
            HttpResponse<String> table = portal.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(portal.url("/reporting?year="
                    + year))).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ConsoleFixture.publicOutcomes(table.body()))
                    .isEqualTo(ConsoleFixture.rows(dashboard.body(), "dashboard", "data-state", "data-outcome")).hasSize(3);
        }
    }
}
