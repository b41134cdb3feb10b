package org.treatyexchange.server.reporting;

import java.util.Objects;

/**
 * A State Party expected to report.
 *
 * @param code ISO 3166 alpha-3 code
 * @param name the State's name
 */
public record StateParty(String code, String name) {

    public StateParty {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
    }
}
