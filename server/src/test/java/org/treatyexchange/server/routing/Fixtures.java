package org.treatyexchange.server.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.registry.StateEntry.Status;

/**
 * A registry of three States Parties (AAA, BBB, CCC) and one signatory (SSS), built from the
 * records, listed out of order so that sorted output proves the router sorts.
 */
final class Fixtures {

    static final String REPORT = "annual-report";
    static final ConfidentialityLevel PUBLIC = ConfidentialityLevel.PUBLIC;
    static final ConfidentialityLevel STATES_PARTIES = ConfidentialityLevel.STATES_PARTIES;
    static final ConfidentialityLevel SECRETARIAT = ConfidentialityLevel.SECRETARIAT;
    static final ConfidentialityLevel NAMED = ConfidentialityLevel.NAMED;

    private Fixtures() {
    }

    /** The registry, with these standing instructions for the given State (by report type). */
    static Registry registry(String instructedState, Map<String, StandingInstruction> instructions) {
        List<StateEntry> states = new ArrayList<>();
        for (String code : List.of("CCC", "SSS", "AAA", "BBB")) {
            Status status = code.equals("SSS") ? Status.SIGNATORY : Status.STATE_PARTY;
            Map<String, StandingInstruction> own = code.equals(instructedState) ? instructions : Map.of();
            states.add(new StateEntry(code, "State " + code, status, own, List.of()));
        }
        return new Registry(states, List.of());
    }

    static Registry registry() {
        return registry("", Map.of());
    }

    static StandingInstruction instruction(ConfidentialityLevel level, String... named) {
        return new StandingInstruction(REPORT, level, List.of(named));
    }

    static Declaration folder(ConfidentialityLevel level) {
        return Declaration.of(Declaration.Source.FOLDER, level);
    }

    static Declaration manifest(ConfidentialityLevel level, String... named) {
        return new Declaration(Declaration.Source.MANIFEST, level, List.of(named));
    }

    static Declaration envelope(ConfidentialityLevel level, String... named) {
        return new Declaration(Declaration.Source.ENVELOPE, level, List.of(named));
    }

    /** AAA files an annual report (default states-parties) under the default policy. */
    static RoutingRequest request(List<Declaration> declarations, Registry registry) {
        return new RoutingRequest("AAA", REPORT, declarations, registry, Optional.of(STATES_PARTIES));
    }
}
