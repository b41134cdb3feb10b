package org.treatyexchange.server.release;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.reporting.StateParty;
import org.treatyexchange.server.reporting.StateStatus;
import org.treatyexchange.server.routing.Deadlines;
import org.treatyexchange.server.store.StoreException;

/**
 * The obligations calendar: which report each State Party owes by when, and how it stands. Due dates come from
 * {@link Deadlines} with each report type's configured deadline and schedule and the registry's entry into force;
 * how a State stands from {@link Reports#status}, the numbers of the public table and the dashboard.
 */
public final class Obligations {

    /** One State's standing on one obligation. */
    public record Standing(String state, String stateName, String reportType, String period, LocalDate due,
            StateStatus.Outcome outcome, Instant filedAt, StateStatus status) {
    }

    private final Reports reports;
    private final RegistryService registry;
    private final List<ServerConfig.ReportType> reportTypes;

    public Obligations(Reports reports, RegistryService registry, List<ServerConfig.ReportType> reportTypes) {
        this.reports = reports;
        this.registry = registry;
        this.reportTypes = List.copyOf(reportTypes);
    }

    /** Every State Party's obligations whose due date lies between {@code from} and {@code to} (included), by due date. */
    public List<Standing> dueBetween(LocalDate from, LocalDate to) throws StoreException {
        List<Standing> out = new ArrayList<>();
        for (ServerConfig.ReportType type : reportTypes) {
            if (!type.isObligation()) {
                continue;
            }
            Set<String> counting = counting(type.id());
            addPeriodic(out, type, counting, from, to, reports.statesParties());
            for (StateEntry state : registry.current().statesParties()) {
                Optional<Deadlines.Due> initial = initialDue(type, state);
                if (initial.isPresent() && !initial.get().date().isBefore(from) && !initial.get().date().isAfter(to)) {
                    add(out, initial.get(), reports.status(counting, null, initial.get().date(), List.of(new StateParty(state.code(), state.name()))));
                }
            }
        }
        out.sort(Comparator.comparing(Standing::due).thenComparing(Standing::reportType).thenComparing(Standing::state));
        return out;
    }

    /**
     * One State Party's obligations: each periodic report due between {@code from} and {@code to} (included; a report type
     * of several years only in the years it falls due), and its initial report whenever it is due (one per State, from the
     * registry's entry into force; none when the registry has no date). Newest due date first; empty for a State that is not
     * a party.
     */
    public List<Standing> ofState(String state, LocalDate from, LocalDate to) throws StoreException {
        Optional<StateEntry> entry = registry.current().statesParties().stream().filter(s -> s.code().equals(state)).findFirst();
        if (entry.isEmpty()) {
            return List.of();
        }
        List<StateParty> party = List.of(new StateParty(entry.get().code(), entry.get().name()));
        List<Standing> out = new ArrayList<>();
        for (ServerConfig.ReportType type : reportTypes) {
            if (!type.isObligation()) {
                continue;
            }
            Set<String> counting = counting(type.id());
            addPeriodic(out, type, counting, from, to, party);
            Optional<Deadlines.Due> initial = initialDue(type, entry.get());
            if (initial.isPresent()) {
                add(out, initial.get(), reports.status(counting, null, initial.get().date(), party));
            }
        }
        out.sort(Comparator.comparing(Standing::due).reversed().thenComparing(Standing::reportType));
        return out;
    }

    /**
     * How the States Parties stand on the report of {@code reportType} "for {@code year}", as the dashboard shows it: for a
     * periodic report, the one whose period ends in {@code year} (empty rows when none does: a biennial type in its off year);
     * for a report due after entry into force (the initial report), each State Party's own, whatever the year (the States
     * whose entry into force the registry does not record are left out); for a report type that is no obligation of the
     * calendar, its filings for the single year {@code year} by {@link Reports#status(String, int)}.
     */
    public ForYear forYear(String reportType, int year) throws StoreException {
        ServerConfig.ReportType type = reportTypes.stream().filter(t -> t.id().equals(reportType)).findFirst().orElse(null);
        if (type == null || !type.isObligation()) {
            List<StateStatus> rows = reports.status(reportType, year);
            LocalDate due = reports.dueDate(reportType, year);
            return new ForYear(reportType, year, Kind.YEARLY, Optional.of(due), rows.stream().map(s -> standing(s, reportType,
                    String.format("%04d", year), due)).toList());
        }
        List<Standing> rows = new ArrayList<>();
        if (type.schedule().monthsAfterEntryIntoForce() > 0) {
            for (StateEntry state : registry.current().statesParties()) {
                Optional<Deadlines.Due> due = initialDue(type, state);
                if (due.isPresent()) {
                    add(rows, due.get(), reports.status(counting(type.id()), null, due.get().date(),
                            List.of(new StateParty(state.code(), state.name()))));
                }
            }
            rows.sort(Comparator.comparing(Standing::state));
            return new ForYear(reportType, year, Kind.AFTER_ENTRY_INTO_FORCE, Optional.empty(), rows);
        }
        Optional<Deadlines.Due> due = Deadlines.periodEnding(type.id(), type.deadline().orElseThrow(), type.schedule().cycleYears(),
                type.schedule().firstYear(), year);
        if (due.isEmpty()) {
            return new ForYear(reportType, year, Kind.NOT_DUE, Optional.empty(), List.of());
        }
        add(rows, due.get(), reports.status(counting(type.id()), due.get().period(), due.get().date(), reports.statesParties()));
        return new ForYear(reportType, year, Kind.PERIODIC, Optional.of(due.get().date()), rows);
    }

    /** What kind of obligation a {@link ForYear} answer is about. */
    public enum Kind {
        /** A report type the calendar does not oblige: its filings for the year, due by its deadline or the end of the next year. */
        YEARLY,
        /** A periodic report whose period ends in the year. */
        PERIODIC,
        /** A periodic report none of whose periods ends in the year: nothing falls due for it. */
        NOT_DUE,
        /** Each State Party's report due after its entry into force (the initial report): one each, the year does not apply. */
        AFTER_ENTRY_INTO_FORCE
    }

    /**
     * The dashboard's numbers for one report type and year.
     *
     * @param due  the due date shared by every row, or empty when there is none (initial report: each row has its own; none due)
     * @param rows one per State Party counted, by State code
     */
    public record ForYear(String reportType, int year, Kind kind, Optional<LocalDate> due, List<Standing> rows) {
        public ForYear {
            rows = List.copyOf(rows);
        }

        /** The period the rows are about: {@code 2025}, {@code 2024-2025}, or null (initial report, or nothing due). */
        public String period() {
            return rows.isEmpty() ? null : rows.get(0).period();
        }
    }

    /** Adds {@code parties}' standing for each of {@code type}'s periodic reports due between {@code from} and {@code to}. */
    private void addPeriodic(List<Standing> out, ServerConfig.ReportType type, Set<String> counting, LocalDate from, LocalDate to,
            List<StateParty> parties) throws StoreException {
        if (type.deadline().isEmpty()) {
            return;
        }
        for (Deadlines.Due due : Deadlines.periodic(type.id(), type.deadline().get(), type.schedule().cycleYears(), type.schedule().firstYear(),
                from, to)) {
            add(out, due, reports.status(counting, due.period(), due.date(), parties));
        }
    }

    private static Optional<Deadlines.Due> initialDue(ServerConfig.ReportType type, StateEntry state) {
        if (type.schedule().monthsAfterEntryIntoForce() <= 0 || state.entryIntoForce().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Deadlines.afterEntryIntoForce(type.id(), state.entryIntoForce().get(), type.schedule().monthsAfterEntryIntoForce()));
    }

    private static Standing standing(StateStatus s, String reportType, String period, LocalDate due) {
        return new Standing(s.state(), s.name(), reportType, period, due, s.outcome(), s.filedAt(), s);
    }

    /** The report types whose filings meet {@code reportType}'s obligation: itself and those that fulfil it. */
    Set<String> counting(String reportType) {
        Set<String> out = new TreeSet<>(Set.of(reportType));
        reportTypes.stream().filter(t -> t.schedule().fulfils().filter(reportType::equals).isPresent()).forEach(t -> out.add(t.id()));
        return out;
    }

    private static void add(List<Standing> out, Deadlines.Due due, List<StateStatus> statuses) {
        for (StateStatus s : statuses) {
            out.add(new Standing(s.state(), s.name(), due.reportType(), due.period(), due.date(), s.outcome(), s.filedAt(), s));
        }
    }
}
