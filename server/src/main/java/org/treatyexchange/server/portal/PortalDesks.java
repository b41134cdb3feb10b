package org.treatyexchange.server.portal;

import java.util.Objects;
import org.treatyexchange.server.application.PortalLogins;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StateDesk;

/**
 * The application layer as the portal reaches it: one desk per kind of visitor, and the logins.
 *
 * @param publicDesk  what anyone may read
 * @param logins      password, second factor and sessions
 * @param states      what a State's person may see and do
 * @param secretariat what the secretariat's people may see and do
 */
public record PortalDesks(PublicDesk publicDesk, PortalLogins logins, StateDesk states, SecretariatDesk secretariat) {

    public PortalDesks {
        Objects.requireNonNull(publicDesk, "publicDesk");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(secretariat, "secretariat");
    }
}
