package org.treatyexchange.sdk.wire;

import java.util.Locale;
import java.util.Optional;

/**
 * Who may read a filing: the routing vocabulary of the treaty secretariat.
 * The wire name (e.g. {@code states-parties}) is what appears in folders, manifests, envelopes and receipts.
 */
public enum ConfidentialityLevel {
    /** Everyone: the public area, every State Party, the secretariat. */
    PUBLIC("public"),
    /** Every State Party and the secretariat; never the public area. */
    STATES_PARTIES("states-parties"),
    /** The secretariat only; never redistributed. The fail-closed default. */
    SECRETARIAT("secretariat"),
    /** The secretariat and a list of named States Parties. */
    NAMED("named");

    private final String wireName;

    ConfidentialityLevel(String wireName) {
        this.wireName = wireName;
    }

    /** The name written in folders, manifests, envelopes and receipts. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name exactly (lower case, as written on the wire); anything else is empty. */
    public static Optional<ConfidentialityLevel> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ConfidentialityLevel level : values()) {
            if (level.wireName.equals(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
