package org.treatyexchange.server.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.Registry;

/**
 * Everything the router needs to decide one filing, already in memory.
 *
 * @param filerState the code of the State that filed, as authenticated by the channel
 * @param reportType the report type id the filing gives
 * @param declarations what the filing itself says, zero or more, at most one per source
 * @param registry the registry snapshot to route against
 * @param reportTypeDefault the configured default level of the report type; empty when the report
 *     type is not configured, which fails closed
 * @param releasePolicy when a valid plan is executed
 */
public record RoutingRequest(
        String filerState,
        String reportType,
        List<Declaration> declarations,
        Registry registry,
        Optional<ConfidentialityLevel> reportTypeDefault,
        ReleasePolicy releasePolicy) {

    public RoutingRequest {
        Objects.requireNonNull(filerState, "filerState");
        Objects.requireNonNull(reportType, "reportType");
        declarations = List.copyOf(declarations);
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(reportTypeDefault, "reportTypeDefault");
        Objects.requireNonNull(releasePolicy, "releasePolicy");
    }

    /** A request under the default policy, {@link ReleasePolicy#AFTER_REVIEW}. */
    public RoutingRequest(String filerState, String reportType, List<Declaration> declarations, Registry registry,
            Optional<ConfidentialityLevel> reportTypeDefault) {
        this(filerState, reportType, declarations, registry, reportTypeDefault, ReleasePolicy.DEFAULT);
    }
}
