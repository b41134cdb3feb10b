package org.treatyexchange.server.release;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
            StateStatus.Outcome outcome, Instant filedAt) {
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
            if (type.deadline().isPresent()) {
                for (Deadlines.Due due : Deadlines.periodic(type.id(), type.deadline().get(), type.schedule().cycleYears(),
                        type.schedule().firstYear(), from, to)) {
                    add(out, due, reports.status(counting, due.period(), due.date(), reports.statesParties()));
                }
            }
            if (type.schedule().monthsAfterEntryIntoForce() > 0) {
                for (StateEntry state : registry.current().statesParties()) {
                    if (state.entryIntoForce().isEmpty()) {
                        continue;
                    }
                    Deadlines.Due due = Deadlines.afterEntryIntoForce(type.id(), state.entryIntoForce().get(),
                            type.schedule().monthsAfterEntryIntoForce());
                    if (!due.date().isBefore(from) && !due.date().isAfter(to)) {
                        add(out, due, reports.status(counting, null, due.date(), List.of(new StateParty(state.code(), state.name()))));
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Standing::due).thenComparing(Standing::reportType).thenComparing(Standing::state));
        return out;
    }

    /** The report types whose filings meet {@code reportType}'s obligation: itself and those that fulfil it. */
    Set<String> counting(String reportType) {
        Set<String> out = new TreeSet<>(Set.of(reportType));
        reportTypes.stream().filter(t -> t.schedule().fulfils().filter(reportType::equals).isPresent()).forEach(t -> out.add(t.id()));
        return out;
    }

    private static void add(List<Standing> out, Deadlines.Due due, List<StateStatus> statuses) {
        for (StateStatus s : statuses) {
            out.add(new Standing(s.state(), s.name(), due.reportType(), due.period(), due.date(), s.outcome(), s.filedAt()));
        }
    }
}
