package org.treatyexchange.server.portal;

import java.util.Optional;
import org.treatyexchange.server.application.Refusal;

/**
 * One part of the secretariat's console under {@code /secretariat/} (the queue, filings, dashboard, registry,
 * audit, messages…). Reached only through the session guard with a secretariat person signed in and, for a
 * POST, the anti-forgery token already checked; each part still asks its desk, which checks the caller again.
 */
interface ConsolePart {

    /** The answer to {@code r} if this part has a page for its path; empty to let the next part look. */
    Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal;
}
