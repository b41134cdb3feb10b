package org.treatyexchange.server.portal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.Refusal;

/**
 * The secretariat's console under {@code /secretariat/}: asks each {@link ConsolePart} in turn; the first
 * that has a page for the path answers. A path no part knows answers as missing.
 */
final class SecretariatPages {

    private final List<ConsolePart> parts;
    private final MessagePages messages;

    SecretariatPages(PortalDesks desks, Pages pages) {
        QueuePages queue = new QueuePages(desks.secretariat(), pages);
        FilingPages filings = new FilingPages(desks.secretariat(), desks.publicDesk(), pages);
        this.messages = new MessagePages(desks.secretariat(), desks.publicDesk(), pages);
        this.parts = List.of(
                home(pages),
                queue, filings, new DecisionForms(desks.secretariat(), queue, filings),
                new DashboardPages(desks.secretariat(), desks.publicDesk(), pages),
                new RegistryPages(desks.registry(), desks.secretariat(), pages),
                new AuditPages(desks.audit(), pages),
                messages,
                new NotificationsPage(desks.secretariat(), pages),
                new DelegationPages(desks.delegation(), pages));
    }

    /** The messages part, whose form streams in ({@link MessageUpload}). */
    MessagePages messages() {
        return messages;
    }

    Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        for (ConsolePart part : parts) {
            Optional<PageResponse> answer = part.handle(r, v, who);
            if (answer.isPresent()) {
                return answer;
            }
        }
        return Optional.empty();
    }

    private static ConsolePart home(Pages pages) {
        return (r, v, who) -> isRead(r) && (r.path().equals("/secretariat") || r.path().equals("/secretariat/"))
                ? Optional.of(pages.page("secretariat", v, Map.of()))
                : Optional.empty();
    }

    static boolean isRead(PageRequest r) {
        return r.method().equals("GET") || r.method().equals("HEAD");
    }
}
