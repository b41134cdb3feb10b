package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * The pending queue at {@code /secretariat/queue}: every filing that waits for the secretariat (pending, held), with
 * its level and how it was decided, its plan, its versions and its history, and the forms to release, hold or withdraw
 * it ({@link DecisionForms} takes them).
 */
final class QueuePages implements ConsolePart {

    static final String PATH = "/secretariat/queue";

    private final SecretariatDesk desk;
    private final Pages pages;

    QueuePages(SecretariatDesk desk, Pages pages) {
        this.desk = desk;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        if (!SecretariatPages.isRead(r) || !r.path().equals(PATH)) {
            return Optional.empty();
        }
        return Optional.of(queue(v, who, null, HttpResponseStatus.OK));
    }

    /** The queue, with {@code error} at the top when a decision posted from it was refused (nothing was changed). */
    PageResponse queue(View v, SignedIn who, String error, HttpResponseStatus status) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        p.put("dossiers", desk.queue(who.caller()));
        p.put("error", error);
        return pages.page("secretariat-queue", v, p, status);
    }
}
