package org.treatyexchange.server.registry;

import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/**
 * A State's standing choice of confidentiality for one report type, applied when a filing does
 * not say otherwise.
 *
 * @param reportType report type id, one of the configured report types
 * @param level the level to apply
 * @param namedStates for {@link ConfidentialityLevel#NAMED}, the States Parties that may read
 *     it (non-empty); empty for every other level
 */
public record StandingInstruction(String reportType, ConfidentialityLevel level, List<String> namedStates) {
    public StandingInstruction {
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(level, "level");
        namedStates = List.copyOf(namedStates);
        if ((level == ConfidentialityLevel.NAMED) == namedStates.isEmpty()) {
            throw new IllegalArgumentException("namedStates must be given exactly when the level is named");
        }
    }
}
