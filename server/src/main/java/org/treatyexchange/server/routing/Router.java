package org.treatyexchange.server.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.routing.DistributionPlan.LevelSource;

/**
 * Decides where a filing goes. The level comes from the first of these that says anything:
 * <ol>
 * <li>what the filing itself says (every declaration must agree);
 * <li>the filer State's standing instruction for the report type;
 * <li>the report type's configured default;
 * <li>{@code secretariat}.
 * </ol>
 * Fails closed: when the filer State or the report type is unknown, when declarations disagree or
 * one is malformed, when the standing instruction that would apply is malformed, or when the
 * configured default is {@code named}, the plan is the secretariat only, needs review and says why.
 * A malformed declaration never falls through to a standing instruction: the filer said something,
 * and only a person may decide what it meant.
 */
public final class Router {

    /** Review reasons kept per plan; a filing naming hundreds of bad codes must not flood a receipt. */
    static final int MAX_REASONS = 16;

    private Router() {
    }

    /** The plan for one filing; never throws for bad data, only for a null request. */
    public static DistributionPlan plan(RoutingRequest r) {
        Objects.requireNonNull(r, "request");
        List<String> reasons = new ArrayList<>();
        Optional<StateEntry> filer = r.registry().state(r.filerState());
        if (filer.isEmpty()) {
            reasons.add("the filer State " + Says.state(r.filerState()) + " is not in the registry");
        }
        if (r.reportTypeDefault().isEmpty()) {
            reasons.add("report type " + Says.reportType(r.reportType()) + " is not configured");
        }
        reasons.addAll(declarationProblems(r));
        if (!reasons.isEmpty()) {
            return closed(reasons);
        }
        if (!r.declarations().isEmpty()) {
            Declaration d = r.declarations().get(0);
            return open(r, d.level(), d.namedStates(), LevelSource.DECLARED);
        }
        Optional<StandingInstruction> instruction = filer.get().instruction(r.reportType());
        if (instruction.isPresent()) {
            StandingInstruction si = instruction.get();
            String who = "the standing instruction of " + r.filerState() + " for " + Says.reportType(r.reportType());
            if (!si.reportType().equals(r.reportType())) {
                reasons.add(who + " is recorded for report type " + Says.reportType(si.reportType()));
            }
            reasons.addAll(NamedStates.problems(who, si.level(), si.namedStates(), r.filerState(), r.registry()));
            if (!reasons.isEmpty()) {
                return closed(reasons);
            }
            return open(r, si.level(), si.namedStates(), LevelSource.STANDING_INSTRUCTION);
        }
        ConfidentialityLevel byDefault = r.reportTypeDefault().get();
        if (byDefault == ConfidentialityLevel.NAMED) {
            return closed(List.of("the configured default for " + Says.reportType(r.reportType())
                    + " is named, which cannot name any States"));
        }
        return open(r, byDefault, List.of(), LevelSource.REPORT_TYPE_DEFAULT);
    }

    /**
     * What is wrong with a standing instruction a State asks for ({@code level} with {@code named}),
     * judged by the same rule as a declaration; empty when it may be routed. For refusing a bad
     * instruction when it arrives rather than failing every later filing closed.
     */
    public static List<String> instructionProblems(String filerState, ConfidentialityLevel level, List<String> named,
            Registry registry) {
        return NamedStates.problems("the instruction", level, named, filerState, registry);
    }

    /**
     * The problems with a filing that says {@code level} with {@code named}, by the same rule as an
     * instruction; empty when it may be routed. For refusing such a filing when it arrives.
     */
    public static List<String> filingProblems(String filerState, ConfidentialityLevel level, List<String> named, Registry registry) {
        return NamedStates.problems("the filing", level, named, filerState, registry);
    }

    /** Each declaration judged on its own, then every declaration against the first (in source order). */
    private static List<String> declarationProblems(RoutingRequest r) {
        List<Declaration> ds = new ArrayList<>(r.declarations());
        // A total order, so that the reasons do not depend on the order in which a channel listed them.
        ds.sort(Comparator.comparing(Declaration::source).thenComparing(Declaration::level)
                .thenComparing(d -> String.join(",", d.namedStates())));
        List<String> out = new ArrayList<>();
        Set<Declaration.Source> sources = EnumSet.noneOf(Declaration.Source.class);
        for (Declaration d : ds) {
            if (!sources.add(d.source())) {
                out.add("the filing states its level more than once in " + d.source().description());
            }
        }
        for (Declaration d : ds) {
            out.addAll(NamedStates.problems(d.source().description(), d.level(), d.namedStates(), r.filerState(),
                    r.registry()));
        }
        for (int i = 1; i < ds.size(); i++) {
            Declaration first = ds.get(0);
            Declaration d = ds.get(i);
            if (d.level() != first.level()) {
                out.add(d.source().description() + " says " + d.level().wireName() + " but "
                        + first.source().description() + " says " + first.level().wireName());
            } else if (!new HashSet<>(d.namedStates()).equals(new HashSet<>(first.namedStates()))) {
                out.add(d.source().description() + " names " + Says.states(d.namedStates()) + " but "
                        + first.source().description() + " names " + Says.states(first.namedStates()));
            }
        }
        return out;
    }

    private static DistributionPlan open(RoutingRequest r, ConfidentialityLevel level, List<String> named,
            LevelSource source) {
        List<String> recipients = switch (level) {
            case PUBLIC, STATES_PARTIES -> r.registry().statesParties().stream()
                    .map(StateEntry::code)
                    .filter(code -> !code.equals(r.filerState()))
                    .toList();
            case SECRETARIAT -> List.of();
            case NAMED -> named;
        };
        return new DistributionPlan(level, source, recipients, level == ConfidentialityLevel.PUBLIC, false,
                List.of(), r.releasePolicy() == ReleasePolicy.ON_RECEIPT);
    }

    private static DistributionPlan closed(List<String> reasons) {
        List<String> kept = reasons;
        if (reasons.size() > MAX_REASONS) {
            kept = new ArrayList<>(reasons.subList(0, MAX_REASONS - 1));
            kept.add("and " + (reasons.size() - (MAX_REASONS - 1)) + " more problems");
        }
        return new DistributionPlan(ConfidentialityLevel.SECRETARIAT, LevelSource.FALLBACK, List.of(), false, true,
                kept, false);
    }
}
