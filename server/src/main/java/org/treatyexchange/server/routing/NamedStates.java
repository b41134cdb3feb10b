package org.treatyexchange.server.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.StateEntry;

/** Checks a level with its named list against the registry: the one rule for declarations and instructions. */
public final class NamedStates {

    private NamedStates() {
    }

    /**
     * The problems with {@code who} saying {@code level} with {@code named}, each a full sentence
     * starting with {@code who}; empty when the pair may be routed.
     */
    public static List<String> problems(String who, ConfidentialityLevel level, List<String> named, String filer,
            Registry registry) {
        List<String> out = new ArrayList<>();
        if (level != ConfidentialityLevel.NAMED) {
            if (!named.isEmpty()) {
                out.add(who + " says " + level.wireName() + " but also names States (" + Says.states(named) + ")");
            }
            return out;
        }
        if (named.isEmpty()) {
            out.add(who + " says named but names no States");
            return out;
        }
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (String code : named) {
            if (!seen.add(code)) {
                if (repeated.add(code)) {
                    out.add(who + " names " + Says.state(code) + " more than once");
                }
                continue;
            }
            if (!Says.wellFormedState(code)) {
                out.add(who + " names a State by a code that is not an ISO 3166 alpha-3 code");
                continue;
            }
            if (code.equals(filer)) {
                out.add(who + " names the filer " + code + " itself");
                continue;
            }
            Optional<StateEntry> state = registry.state(code);
            if (state.isEmpty()) {
                out.add(who + " names " + code + ", which is not in the registry");
            } else if (!state.get().isStateParty()) {
                out.add(who + " names " + code + ", which is a signatory, not a State Party");
            }
        }
        return out;
    }
}
