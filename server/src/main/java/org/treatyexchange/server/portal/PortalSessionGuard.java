package org.treatyexchange.server.portal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.treatyexchange.server.application.PortalLogins;
import org.treatyexchange.server.application.Refusal;

/** The {@link SessionGuard} over the sessions the application layer keeps in the database ({@link PortalLogins}). */
final class PortalSessionGuard implements SessionGuard {

    private final PortalLogins logins;

    PortalSessionGuard(PortalLogins logins) {
        this.logins = logins;
    }

    @Override
    public Optional<SignedIn> signedIn(PageRequest r) {
        try {
            return logins.signedIn(r.cookie(SessionCookie.SESSION).orElse(null), r.source()).live()
                    .map(live -> new SignedIn(live.caller(), live.csrfToken()));
        } catch (Refusal e) {
            // the database is unavailable: an error page, never a page as someone else or as nobody
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public boolean csrfMatches(SignedIn who, String token) {
        return token != null && MessageDigest.isEqual(who.csrfToken().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
