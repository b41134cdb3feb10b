package org.treatyexchange.server.portal;

import java.util.Optional;

/**
 * The portal's sessions as the pages see them: who is signed in on a request, and whether a posted
 * form carries that session's anti-forgery token. The login pages create and end sessions; everything
 * under {@code /state/} and {@code /secretariat/} is reached only through this guard.
 */
interface SessionGuard {

    /** The person whose live session cookie this request carries, or empty (none, unknown, idle or expired). */
    Optional<SignedIn> signedIn(PageRequest r);

    /** Whether {@code token} is the anti-forgery token of {@code who}'s session (compared in constant time). */
    boolean csrfMatches(SignedIn who, String token);
}
