package org.treatyexchange.server.portal;

import java.util.Optional;
import org.treatyexchange.server.application.Refusal;

/**
 * The States' area under {@code /state/}: a person of a State sees and acts for that State only. Reached
 * only through the session guard, which hands over the {@link SignedIn} person.
 */
final class StatePages {

    /** The answer to a request under {@code /state/}, if there is a page for it. */
    Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        return Optional.empty();
    }
}
