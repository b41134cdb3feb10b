package org.treatyexchange.server.portal;

import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.Notification;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * {@code /secretariat/notifications}: the e-mail notifications with one status, by default those that failed for
 * good, so that the secretariat can reach those States another way ({@code ?status=queued|sending|sent|failed}).
 */
final class NotificationsPage implements ConsolePart {

    static final String PATH = "/secretariat/notifications";
    private static final int LIMIT = 200;

    private final SecretariatDesk desk;
    private final Pages pages;

    NotificationsPage(SecretariatDesk desk, Pages pages) {
        this.desk = desk;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        if (!SecretariatPages.isRead(r) || !r.path().equals(PATH)) {
            return Optional.empty();
        }
        String asked = r.param("status");
        String status = asked != null && Notification.STATUSES.contains(asked) ? asked : "failed";
        return Optional.of(pages.page("secretariat-notifications", v, Map.of("status", status, "statuses", Notification.STATUSES,
                "notifications", desk.notifications(who.caller(), status, LIMIT))));
    }
}
