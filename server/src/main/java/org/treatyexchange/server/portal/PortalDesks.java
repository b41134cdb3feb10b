package org.treatyexchange.server.portal;

import java.util.Objects;
import org.treatyexchange.server.application.AuditDesk;
import org.treatyexchange.server.application.PortalLogins;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.RegistryDesk;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StateDesk;

/**
 * The application layer as the portal reaches it: one desk per kind of visitor, and the logins.
 *
 * @param publicDesk  what anyone may read
 * @param logins      password, second factor and sessions
 * @param states      what a State's person may see and do
 * @param secretariat what the secretariat's people may see and do
 * @param registry    the registry as the secretariat reads it and its administrators change it
 * @param audit       the audit log as the secretariat verifies, reads and exports it
 * @param delegation  what a State administrator does with its State's accounts, and the secretariat's approvals
 */
public record PortalDesks(PublicDesk publicDesk, PortalLogins logins, StateDesk states, SecretariatDesk secretariat, RegistryDesk registry,
        AuditDesk audit, org.treatyexchange.server.application.DelegatedAdministration delegation) {

    public PortalDesks {
        Objects.requireNonNull(publicDesk, "publicDesk");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(secretariat, "secretariat");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(delegation, "delegation");
    }
}
