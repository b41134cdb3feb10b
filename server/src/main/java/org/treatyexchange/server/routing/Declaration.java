package org.treatyexchange.server.routing;

import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/**
 * What the filing itself says about its confidentiality, from one source. An SFTP upload carries
 * its folder's level and, optionally, a manifest's; a signed message carries its envelope's.
 *
 * <p>Deliberately not validated beyond nulls: a declaration records what the filer said, however
 * wrong (a {@code named} level without States, States with a level other than {@code named}); the
 * {@link Router} judges it and fails closed. A source whose level could not be parsed at all must
 * not be dropped silently by the caller (that would let a standing instruction apply instead of what
 * the filer tried to say): refuse the filing, or declare {@link ConfidentialityLevel#SECRETARIAT}.
 *
 * @param source where the filing says it
 * @param level the level it says
 * @param namedStates the States it names, in the order given (null is taken as none)
 */
public record Declaration(Source source, ConfidentialityLevel level, List<String> namedStates) {

    /** Where a filing states its level. */
    public enum Source {
        /** The SFTP folder the document was dropped in, {@code /submit/<report-type>/<level>/}. */
        FOLDER("the folder"),
        /** A manifest uploaded with the document. */
        MANIFEST("the manifest"),
        /** The signed envelope of a message. */
        ENVELOPE("the envelope");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        /** How a review reason names this source, e.g. {@code the manifest}. */
        String description() {
            return description;
        }
    }

    public Declaration {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(level, "level");
        namedStates = namedStates == null ? List.of() : List.copyOf(namedStates);
    }

    /** A declaration of a level that names no States. */
    public static Declaration of(Source source, ConfidentialityLevel level) {
        return new Declaration(source, level, List.of());
    }
}
