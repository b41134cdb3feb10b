package org.treatyexchange.server.reporting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who has filed the annual report for a year (ATT Article 13.3: by 31 May, for the previous calendar
 * year; nil reports allowed), and three renderings of the answer. Pure functions, no I/O.
 */
public final class ReportingStatus {

    /** The report types that fulfil the annual obligation. */
    public static final Set<String> ANNUAL_REPORT_TYPES = Set.of("annual-report", "nil-annual-report");
    static final String NIL_ANNUAL_REPORT = "nil-annual-report";

    private ReportingStatus() {
    }

    /**
     * Each State Party's annual report for {@code year}, sorted by State code.
     *
     * <p>A filing counts when its report type is {@code annual-report} or {@code nil-annual-report}, its
     * period is exactly the year ({@code "2025"}; a range such as {@code "2024-2025"} does not count), its
     * State is in {@code parties}, and its status is not {@code withdrawn} — received, released, held and
     * superseded filings all count: the State did file, whatever the secretariat did next.
     * Filings of other States are ignored.
     *
     * <ul>
     * <li>{@code filedAt} is the time of the <em>first</em> counting filing: a State that filed on time
     * and later superseded its report (even after the due date) stays on time; a State whose only
     * on-time filing was withdrawn is judged by its next filing.
     * <li>{@code ON_TIME} when {@code filedAt} is on or before the due date, to the end of that day in UTC
     * (before 00:00:00Z of the next day); {@code LATE} after; {@code MISSING} when no filing counts.
     * <li>{@code nil} and {@code publicReport} describe the <em>current</em> version: the latest counting
     * filing that is not superseded (or, if all are superseded, the latest). A filing is nil when its
     * {@code nil} flag is set or its type is {@code nil-annual-report}.
     * </ul>
     *
     * @param year    the reporting year, 0 to 9999
     * @param dueDate the last day on which a report is on time, e.g. 31 May of the next year
     * @throws IllegalArgumentException when a State Party's code appears twice or the year is out of range
     */
    public static List<StateStatus> forYear(int year, List<StateParty> parties, List<FiledReport> filings, LocalDate dueDate) {
        return forYear(year, parties, filings, dueDate, Instant.MAX);
    }

    /**
     * As {@link #forYear(int, List, List, LocalDate)}, at {@code now}: a State that has not filed while the
     * due day has not ended is {@link StateStatus.Outcome#NOT_YET_DUE}, not missing.
     */
    public static List<StateStatus> forYear(int year, List<StateParty> parties, List<FiledReport> filings, LocalDate dueDate, Instant now) {
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year must be 0 to 9999");
        }
        return forObligation(ANNUAL_REPORT_TYPES, String.format("%04d", year), parties, filings, dueDate, now);
    }

    /**
     * As {@link #forYear(int, List, List, LocalDate, Instant)} for any obligation of the calendar: the filings that
     * count are those of {@code reportTypes} on exactly {@code period}, or on any period when {@code period} is null
     * (the initial report). The annual table, the dashboard and the deadline reminders all come from here.
     */
    public static List<StateStatus> forObligation(Set<String> reportTypes, String period, List<StateParty> parties, List<FiledReport> filings,
            LocalDate dueDate, Instant now) {
        Objects.requireNonNull(reportTypes, "reportTypes");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(parties, "parties");
        Objects.requireNonNull(filings, "filings");
        Objects.requireNonNull(dueDate, "dueDate");
        Instant endOfDueDay = dueDate.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();

        Map<String, StateParty> byCode = new TreeMap<>();
        for (StateParty p : parties) {
            if (byCode.put(p.code(), p) != null) {
                throw new IllegalArgumentException("State Party " + Text.oneLine(p.code()) + " is listed twice");
            }
        }
        Map<String, List<FiledReport>> counting = new TreeMap<>();
        for (FiledReport f : filings) {
            if (byCode.containsKey(f.state()) && reportTypes.contains(f.reportType())
                    && (period == null || period.equals(f.period())) && !FiledReport.WITHDRAWN.equals(f.status())) {
                counting.computeIfAbsent(f.state(), k -> new ArrayList<>()).add(f);
            }
        }
        List<StateStatus> out = new ArrayList<>(byCode.size());
        for (StateParty p : byCode.values()) {
            List<FiledReport> mine = counting.getOrDefault(p.code(), List.of());
            if (mine.isEmpty()) {
                out.add(new StateStatus(p.code(), p.name(), now.isBefore(endOfDueDay) ? StateStatus.Outcome.NOT_YET_DUE
                        : StateStatus.Outcome.MISSING, null, false, false));
                continue;
            }
            Instant filedAt = mine.stream().map(FiledReport::receivedAt).min(Comparator.naturalOrder()).orElseThrow();
            Comparator<FiledReport> order = Comparator.comparing(FiledReport::receivedAt)
                    .thenComparing(FiledReport::reportType).thenComparing(FiledReport::status)
                    .thenComparing(FiledReport::nil).thenComparing(FiledReport::publicLevel);
            FiledReport current = mine.stream().filter(f -> !FiledReport.SUPERSEDED.equals(f.status())).max(order)
                    .orElseGet(() -> mine.stream().max(order).orElseThrow());
            StateStatus.Outcome outcome = filedAt.isBefore(endOfDueDay) ? StateStatus.Outcome.ON_TIME : StateStatus.Outcome.LATE;
            boolean nil = current.nil() || NIL_ANNUAL_REPORT.equals(current.reportType());
            out.add(new StateStatus(p.code(), p.name(), outcome, filedAt, nil, current.publicLevel()));
        }
        return List.copyOf(out);
    }

    /**
     * An aligned plain-text table, rows in the given order, LF line endings, no trailing spaces:
     * <pre>
     * State  Name                 Outcome  Filed (UTC)           Nil  Public
     * ARC    Republic of Arcadia  on time  2026-05-30T10:00:00Z  no   yes
     * CAS    Castellan Republic   missing  -                     -    -
     * 2 States Parties: 1 on time, 0 late, 1 missing
     * </pre>
     * Times are shown to the second (truncated, so never across the due day's end); names are put on
     * one line as in {@link ContactList}. With one State the summary says "1 State Party".
     */
    public static String table(List<StateStatus> statuses) {
        String[] header = {"State", "Name", "Outcome", "Filed (UTC)", "Nil", "Public"};
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        for (StateStatus s : statuses) {
            boolean missing = s.filedAt() == null;
            rows.add(new String[] {
                Text.oneLine(s.state()),
                Text.oneLine(s.name()),
                s.outcome().label(),
                missing ? "-" : s.filedAt().truncatedTo(ChronoUnit.SECONDS).toString(),
                missing ? "-" : yesNo(s.nil()),
                missing ? "-" : yesNo(s.publicReport())});
        }
        StringBuilder out = new StringBuilder(TextTable.render(rows));
        Map<StateStatus.Outcome, Integer> counts = counts(statuses);
        out.append(statuses.size()).append(statuses.size() == 1 ? " State Party: " : " States Parties: ")
                .append(counts.get(StateStatus.Outcome.ON_TIME)).append(" on time, ")
                .append(counts.get(StateStatus.Outcome.LATE)).append(" late, ")
                .append(counts.get(StateStatus.Outcome.MISSING)).append(" missing")
                .append(counts.get(StateStatus.Outcome.NOT_YET_DUE) > 0 ? ", " + counts.get(StateStatus.Outcome.NOT_YET_DUE) + " not yet due" : "")
                .append('\n');
        return out.toString();
    }

    /**
     * RFC 4180 CSV, rows in the given order: the header {@code state,name,outcome,filedAt,nil,public},
     * CRLF after every record; {@code outcome} is {@code on-time}, {@code late} or {@code missing};
     * {@code filedAt} an ISO-8601 instant; {@code nil} and {@code public} {@code true} or
     * {@code false}; the last three empty for a missing report. A field is quoted when it holds a comma,
     * a double quote (doubled), CR or LF. Against CSV injection a cell that begins with {@code = + - @},
     * tab or CR gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
     */
    public static String csv(List<StateStatus> statuses) {
        StringBuilder out = new StringBuilder("state,name,outcome,filedAt,nil,public\r\n");
        for (StateStatus s : statuses) {
            boolean missing = s.filedAt() == null;
            out.append(cell(s.state())).append(',')
                    .append(cell(s.name())).append(',')
                    .append(s.outcome().wireName()).append(',')
                    .append(missing ? "" : s.filedAt().toString()).append(',')
                    .append(missing ? "" : Boolean.toString(s.nil())).append(',')
                    .append(missing ? "" : Boolean.toString(s.publicReport())).append("\r\n");
        }
        return out.toString();
    }

    /** One CSV field: injection-guarded, then quoted if needed. */
    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    /**
     * JSON without insignificant white space, fields in this order:
     * {@code {"version":1,"summary":{"statesParties":n,"onTime":n,"late":n,"missing":n},"states":[
     * {"state","name","outcome","filedAt","nil","public"}]}}, rows in the given order; {@code filedAt}
     * is an ISO-8601 instant or null when missing; {@code outcome} as in {@link #csv}.
     */
    public static String json(List<StateStatus> statuses) {
        Map<StateStatus.Outcome, Integer> counts = counts(statuses);
        ObjectNode root = Text.JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode summary = root.putObject("summary");
        summary.put("statesParties", statuses.size());
        summary.put("onTime", counts.get(StateStatus.Outcome.ON_TIME));
        summary.put("late", counts.get(StateStatus.Outcome.LATE));
        summary.put("missing", counts.get(StateStatus.Outcome.MISSING));
        if (counts.get(StateStatus.Outcome.NOT_YET_DUE) > 0) {
            summary.put("notYetDue", counts.get(StateStatus.Outcome.NOT_YET_DUE)); // only while the deadline is ahead
        }
        ArrayNode array = root.putArray("states");
        for (StateStatus s : statuses) {
            ObjectNode o = array.addObject();
            o.put("state", s.state());
            o.put("name", s.name());
            o.put("outcome", s.outcome().wireName());
            o.put("filedAt", s.filedAt() == null ? null : s.filedAt().toString());
            o.put("nil", s.nil());
            o.put("public", s.publicReport());
        }
        return Text.write(root);
    }

    private static Map<StateStatus.Outcome, Integer> counts(List<StateStatus> statuses) {
        Map<StateStatus.Outcome, Integer> counts = new EnumMap<>(StateStatus.Outcome.class);
        for (StateStatus.Outcome o : StateStatus.Outcome.values()) {
            counts.put(o, 0);
        }
        statuses.forEach(s -> counts.merge(s.outcome(), 1, Integer::sum));
        return counts;
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
