package org.treatyexchange.server.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.treatyexchange.server.reporting.StateStatus.Outcome.LATE;
import static org.treatyexchange.server.reporting.StateStatus.Outcome.MISSING;
import static org.treatyexchange.server.reporting.StateStatus.Outcome.ON_TIME;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReportingStatusTest {

    static final LocalDate DUE = LocalDate.parse("2026-05-31");

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    static FiledReport annual(String state, String at, String status, boolean publicLevel) {
        return new FiledReport(state, "annual-report", "2025", t(at), false, publicLevel, status);
    }

    static List<StateParty> parties() {
        return List.of(new StateParty("GIL", "Gilead"), new StateParty("ARC", "Arcadia"), new StateParty("ELY", "Elysia"),
                new StateParty("BOR", "Borealia"), new StateParty("DEN", "Denholm"), new StateParty("CAS", "Castellan"),
                new StateParty("FAR", "Faraway"), new StateParty("HAV", "Haven"), new StateParty("IND", "Indigo"));
    }

    static List<FiledReport> filings() {
        return List.of(
                // On time by a millisecond, released, public.
                annual("ARC", "2026-05-31T23:59:59.999Z", "released", true),
                // One second after the due day ends.
                annual("BOR", "2026-06-01T00:00:01Z", "received", false),
                // A nil report: the type alone makes it nil.
                new FiledReport("CAS", "nil-annual-report", "2025", t("2026-03-01T09:00:00Z"), false, false, "received"),
                // Withdrawn only: missing.
                annual("DEN", "2026-04-01T00:00:00Z", "withdrawn", true),
                // A nil report on time, superseded late by a public full report: on time from the first, nil/public from the current.
                new FiledReport("ELY", "nil-annual-report", "2025", t("2026-05-01T08:00:00Z"), true, false, "superseded"),
                annual("ELY", "2026-07-01T08:00:00Z", "released", true),
                // Withdrawn on time, filed again late: late.
                annual("GIL", "2026-05-15T00:00:00Z", "withdrawn", false),
                annual("GIL", "2026-06-15T12:00:00Z", "received", false),
                // Nothing that counts for 2025: another year, another type, a range, no period.
                new FiledReport("HAV", "annual-report", "2024", t("2025-05-01T00:00:00Z"), false, true, "released"),
                new FiledReport("HAV", "initial-report", "2025", t("2026-01-01T00:00:00Z"), false, true, "released"),
                new FiledReport("HAV", "annual-report", "2024-2025", t("2026-02-01T00:00:00Z"), false, true, "released"),
                new FiledReport("HAV", "annual-report", null, t("2026-02-02T00:00:00Z"), false, true, "released"),
                // Held by the secretariat: the State still filed.
                annual("IND", "2026-05-20T10:00:00Z", "held", false),
                // Not a State Party in this list: ignored.
                annual("XXX", "2026-05-20T10:00:00Z", "received", true));
    }

    static List<StateStatus> population() {
        return ReportingStatus.forYear(2025, parties(), filings(), DUE);
    }

    @Test
    void decidesEachStatePartysOutcomeSortedByCode() {
        assertThat(population()).containsExactly(
                new StateStatus("ARC", "Arcadia", ON_TIME, t("2026-05-31T23:59:59.999Z"), false, true),
                new StateStatus("BOR", "Borealia", LATE, t("2026-06-01T00:00:01Z"), false, false),
                new StateStatus("CAS", "Castellan", ON_TIME, t("2026-03-01T09:00:00Z"), true, false),
                new StateStatus("DEN", "Denholm", MISSING, null, false, false),
                new StateStatus("ELY", "Elysia", ON_TIME, t("2026-05-01T08:00:00Z"), false, true),
                new StateStatus("FAR", "Faraway", MISSING, null, false, false),
                new StateStatus("GIL", "Gilead", LATE, t("2026-06-15T12:00:00Z"), false, false),
                new StateStatus("HAV", "Haven", MISSING, null, false, false),
                new StateStatus("IND", "Indigo", ON_TIME, t("2026-05-20T10:00:00Z"), false, false));
    }

    @Test
    void theOrderOfInputsDoesNotMatter() {
        List<StateParty> parties = new ArrayList<>(parties());
        List<FiledReport> filings = new ArrayList<>(filings());
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(parties, random);
            Collections.shuffle(filings, random);
            assertThat(ReportingStatus.forYear(2025, parties, filings, DUE)).isEqualTo(population());
        }
    }

    @Test
    void theDueDayEndsAtMidnightUtc() {
        List<StateParty> one = List.of(new StateParty("ARC", "Arcadia"));
        assertThat(ReportingStatus.forYear(2025, one, List.of(annual("ARC", "2026-05-31T23:59:59.999999999Z", "received", false)), DUE))
                .extracting(StateStatus::outcome).containsExactly(ON_TIME);
        assertThat(ReportingStatus.forYear(2025, one, List.of(annual("ARC", "2026-06-01T00:00:00Z", "received", false)), DUE))
                .extracting(StateStatus::outcome).containsExactly(LATE);
        // Filed before the year even ended: early is on time.
        assertThat(ReportingStatus.forYear(2025, one, List.of(annual("ARC", "2025-12-31T00:00:00Z", "received", false)), DUE))
                .extracting(StateStatus::outcome).containsExactly(ON_TIME);
    }

    @Test
    void theFirstFilingDecidesTheTimeAndTheCurrentOneDecidesNilAndPublic() {
        List<StateParty> one = List.of(new StateParty("ARC", "Arcadia"));
        // A full public report superseded late by a restricted nil report: still on time, now nil and restricted.
        List<FiledReport> filings = List.of(
                annual("ARC", "2026-05-30T00:00:00Z", "superseded", true),
                new FiledReport("ARC", "annual-report", "2025", t("2026-08-01T00:00:00Z"), true, false, "released"));
        assertThat(ReportingStatus.forYear(2025, one, filings, DUE))
                .containsExactly(new StateStatus("ARC", "Arcadia", ON_TIME, t("2026-05-30T00:00:00Z"), true, false));
        // The current version withdrawn: the one it superseded is what remains.
        List<FiledReport> withdrawnCorrection = List.of(
                annual("ARC", "2026-06-02T00:00:00Z", "superseded", true),
                new FiledReport("ARC", "nil-annual-report", "2025", t("2026-06-03T00:00:00Z"), true, false, "withdrawn"));
        assertThat(ReportingStatus.forYear(2025, one, withdrawnCorrection, DUE))
                .containsExactly(new StateStatus("ARC", "Arcadia", LATE, t("2026-06-02T00:00:00Z"), false, true));
    }

    @Test
    void theCurrentVersionIsTheLatestNotSupersededEvenWhenASupersededOneIsNewer() {
        // Two separate filings for 2025; the newer was later superseded by a correction filed under another
        // period, so the older one is what stands for 2025.
        List<FiledReport> filings = List.of(
                new FiledReport("ARC", "nil-annual-report", "2025", t("2026-05-01T00:00:00Z"), true, true, "released"),
                annual("ARC", "2026-05-02T00:00:00Z", "superseded", false),
                new FiledReport("ARC", "annual-report", "2024", t("2026-05-03T00:00:00Z"), false, false, "received"));
        assertThat(ReportingStatus.forYear(2025, List.of(new StateParty("ARC", "Arcadia")), filings, DUE))
                .containsExactly(new StateStatus("ARC", "Arcadia", ON_TIME, t("2026-05-01T00:00:00Z"), true, true));
    }

    @Test
    void rendersAnAlignedTableWithASummaryLine() {
        assertThat(ReportingStatus.table(population())).isEqualTo("""
                State  Name       Outcome  Filed (UTC)           Nil  Public
                ARC    Arcadia    on time  2026-05-31T23:59:59Z  no   yes
                BOR    Borealia   late     2026-06-01T00:00:01Z  no   no
                CAS    Castellan  on time  2026-03-01T09:00:00Z  yes  no
                DEN    Denholm    missing  -                     -    -
                ELY    Elysia     on time  2026-05-01T08:00:00Z  no   yes
                FAR    Faraway    missing  -                     -    -
                GIL    Gilead     late     2026-06-15T12:00:00Z  no   no
                HAV    Haven      missing  -                     -    -
                IND    Indigo     on time  2026-05-20T10:00:00Z  no   no
                9 States Parties: 4 on time, 2 late, 3 missing
                """);
    }

    @Test
    void theTableSummaryMatchesTheBriefsExampleAndCountsOneStateInTheSingular() {
        List<StateStatus> three = List.of(
                new StateStatus("ARC", "Arcadia", ON_TIME, t("2026-05-01T00:00:00Z"), false, false),
                new StateStatus("BOR", "Borealia", LATE, t("2026-06-01T00:00:00Z"), false, false),
                new StateStatus("CAS", "Castellan", MISSING, null, false, false));
        assertThat(ReportingStatus.table(three)).endsWith("\n3 States Parties: 1 on time, 1 late, 1 missing\n");
        assertThat(ReportingStatus.table(three.subList(0, 1))).endsWith("\n1 State Party: 1 on time, 0 late, 0 missing\n");
        assertThat(ReportingStatus.table(List.of()))
                .isEqualTo("State  Name  Outcome  Filed (UTC)  Nil  Public\n0 States Parties: 0 on time, 0 late, 0 missing\n");
    }

    @Test
    void aNameCannotBreakTheTablesRows() {
        String table = ReportingStatus.table(List.of(
                new StateStatus("ARC", "Arcadia\nBOR    Borealia   on time", ON_TIME, t("2026-05-01T00:00:00Z"), false, false)));
        assertThat(table.lines()).hasSize(3);
        assertThat(table.lines().filter(l -> l.startsWith("BOR"))).isEmpty();
        assertThat(table).contains("Arcadia\uFFFDBOR");
    }

    @Test
    void rendersRfc4180CsvWithQuotingAndAnInjectionGuard() {
        List<StateStatus> rows = List.of(
                new StateStatus("ARC", "=HYPERLINK(\"http://evil.example\",\"click\")", ON_TIME, t("2026-05-31T23:59:59.999Z"), false, true),
                new StateStatus("BOR", "Borealia, Kingdom of", LATE, t("2026-06-01T00:00:01Z"), true, false),
                new StateStatus("CAS", "Castellan", MISSING, null, false, false));
        assertThat(ReportingStatus.csv(rows)).isEqualTo("state,name,outcome,filedAt,nil,public\r\n"
                + "ARC,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",on-time,2026-05-31T23:59:59.999Z,false,true\r\n"
                + "BOR,\"Borealia, Kingdom of\",late,2026-06-01T00:00:01Z,true,false\r\n"
                + "CAS,Castellan,missing,,,\r\n");
        assertThat(ReportingStatus.csv(List.of())).isEqualTo("state,name,outcome,filedAt,nil,public\r\n");
    }

    @Test
    void eachCsvCellIsGuardedThenQuoted() {
        assertThat(ReportingStatus.cell("=1+2")).isEqualTo("'=1+2");
        assertThat(ReportingStatus.cell("+1 555")).isEqualTo("'+1 555");
        assertThat(ReportingStatus.cell("-2")).isEqualTo("'-2");
        assertThat(ReportingStatus.cell("@SUM(A1:A9)")).isEqualTo("'@SUM(A1:A9)");
        assertThat(ReportingStatus.cell("\t=cmd")).isEqualTo("'\t=cmd");
        assertThat(ReportingStatus.cell("\r=cmd")).isEqualTo("\"'\r=cmd\"");
        assertThat(ReportingStatus.cell("Saint-Martin")).isEqualTo("Saint-Martin");
        assertThat(ReportingStatus.cell("Line\nbreak")).isEqualTo("\"Line\nbreak\"");
        assertThat(ReportingStatus.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ReportingStatus.cell("")).isEqualTo("");
        assertThat(ReportingStatus.cell("Côte d'Ivoire")).isEqualTo("Côte d'Ivoire");
    }

    @Test
    void rendersJsonWithAFixedFieldOrder() throws Exception {
        List<StateStatus> rows = population().subList(0, 4);
        String json = ReportingStatus.json(rows);
        assertThat(json).isEqualTo("{\"version\":1,\"summary\":{\"statesParties\":4,\"onTime\":2,\"late\":1,\"missing\":1},\"states\":["
                + "{\"state\":\"ARC\",\"name\":\"Arcadia\",\"outcome\":\"on-time\",\"filedAt\":\"2026-05-31T23:59:59.999Z\",\"nil\":false,\"public\":true},"
                + "{\"state\":\"BOR\",\"name\":\"Borealia\",\"outcome\":\"late\",\"filedAt\":\"2026-06-01T00:00:01Z\",\"nil\":false,\"public\":false},"
                + "{\"state\":\"CAS\",\"name\":\"Castellan\",\"outcome\":\"on-time\",\"filedAt\":\"2026-03-01T09:00:00Z\",\"nil\":true,\"public\":false},"
                + "{\"state\":\"DEN\",\"name\":\"Denholm\",\"outcome\":\"missing\",\"filedAt\":null,\"nil\":false,\"public\":false}]}");
        assertThat(new ObjectMapper().readTree(ReportingStatus.json(List.of(
                new StateStatus("ARC", "\"quoted\"\n</script>", MISSING, null, false, false)))).at("/states/0/name").textValue())
                .isEqualTo("\"quoted\"\n</script>");
    }

    @Test
    void refusesInconsistentOrUnknownInput() {
        assertThatThrownBy(() -> new FiledReport("ARC", "annual-report", "2025", t("2026-05-01T00:00:00Z"), false, false, "deleted"))
                .hasMessage("status must be one of received, released, held, withdrawn, superseded");
        assertThatThrownBy(() -> new StateStatus("ARC", "Arcadia", MISSING, t("2026-05-01T00:00:00Z"), false, false))
                .hasMessage("a missing report has no filedAt and is neither nil nor public");
        assertThatThrownBy(() -> new StateStatus("ARC", "Arcadia", MISSING, null, true, false))
                .hasMessage("a missing report has no filedAt and is neither nil nor public");
        assertThatThrownBy(() -> new StateStatus("ARC", "Arcadia", LATE, null, false, false))
                .hasMessage("filedAt is required unless the report is missing");
        List<StateParty> twice = List.of(new StateParty("ARC", "Arcadia"), new StateParty("ARC", "Arcadia"));
        assertThatThrownBy(() -> ReportingStatus.forYear(2025, twice, List.of(), DUE)).hasMessage("State Party ARC is listed twice");
        assertThatThrownBy(() -> ReportingStatus.forYear(10000, parties(), List.of(), DUE)).hasMessage("year must be 0 to 9999");
        assertThat(ReportingStatus.ANNUAL_REPORT_TYPES).containsExactlyInAnyOrder("annual-report", "nil-annual-report");
    }
}
