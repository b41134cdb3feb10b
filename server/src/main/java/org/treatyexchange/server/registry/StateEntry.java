package org.treatyexchange.server.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A State in the registry.
 *
 * @param code ISO 3166-1 alpha-3 code, upper case
 * @param name the State's name
 * @param status party to the treaty or signatory only
 * @param instructions the State's standing instructions, by report type id
 * @param contacts the State's national points of contact, visible to States Parties only
 * @param entryIntoForce the day the treaty entered into force for the State (States Parties), from which its
 *     initial report falls due
 */
public record StateEntry(
        String code,
        String name,
        Status status,
        Map<String, StandingInstruction> instructions,
        List<PointOfContact> contacts,
        Optional<java.time.LocalDate> entryIntoForce) {

    /** A State's relation to the treaty. */
    public enum Status {
        /** Party to the treaty: files reports and receives what is redistributed to States Parties. */
        STATE_PARTY,
        /** Signed but not ratified: may file, but is not a State Party for redistribution. */
        SIGNATORY
    }

    public StateEntry {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        // Keep file order for stable output, but make it unmodifiable.
        instructions = Collections.unmodifiableMap(new LinkedHashMap<>(instructions));
        contacts = List.copyOf(contacts);
        Objects.requireNonNull(entryIntoForce, "entryIntoForce");
    }

    /** A State whose entry into force the registry does not give. */
    public StateEntry(String code, String name, Status status, Map<String, StandingInstruction> instructions, List<PointOfContact> contacts) {
        this(code, name, status, instructions, contacts, Optional.empty());
    }

    public boolean isStateParty() {
        return status == Status.STATE_PARTY;
    }

    /** The standing instruction for a report type, if the State gave one. */
    public Optional<StandingInstruction> instruction(String reportType) {
        return Optional.ofNullable(instructions.get(reportType));
    }

    /** This State with its instruction for one report type replaced, or removed when empty. */
    public StateEntry withInstruction(String reportType, Optional<StandingInstruction> instruction) {
        Map<String, StandingInstruction> changed = new LinkedHashMap<>(instructions);
        instruction.ifPresentOrElse(i -> changed.put(reportType, i), () -> changed.remove(reportType));
        return new StateEntry(code, name, status, changed, contacts, entryIntoForce);
    }
}
