package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.DelegatedAdministration;
import org.treatyexchange.server.application.Refusal;

/**
 * The secretariat's view of delegated administration under {@code /secretariat/delegation}: the changes pending its
 * approval (approve, refuse), every State's history (undo an applied change), and the State administrators (appoint,
 * suspend, withdraw). Every secretariat person reads it; {@link DelegatedAdministration} lets only an administrator act.
 */
final class DelegationPages implements ConsolePart {

    static final String PATH = "/secretariat/delegation";

    private final DelegatedAdministration desk;
    private final Pages pages;

    DelegationPages(DelegatedAdministration desk, Pages pages) {
        this.desk = desk;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        String path = r.path();
        if (SecretariatPages.isRead(r)) {
            return path.equals(PATH) ? Optional.of(page(v, who, r.param("done"), null, HttpResponseStatus.OK)) : Optional.empty();
        }
        if (!r.method().equals("POST") || !path.startsWith(PATH + "/")) {
            return Optional.empty();
        }
        String id = r.field("change");
        String account = r.field("account");
        String done;
        try {
            switch (path) {
                case PATH + "/approve" -> desk.approve(who.caller(), id);
                case PATH + "/refuse" -> desk.refuse(who.caller(), id, r.field("reason"));
                case PATH + "/undo" -> desk.undo(who.caller(), id);
                case PATH + "/appoint" -> desk.grantStateAdministrator(who.caller(), account);
                case PATH + "/withdraw" -> desk.withdrawStateAdministrator(who.caller(), account);
                case PATH + "/suspend" -> desk.suspendStateAdministrator(who.caller(), account);
                default -> {
                    return Optional.empty();
                }
            }
            done = path.substring(PATH.length() + 1);
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.UNAVAILABLE) {
                throw e;
            }
            String message = e.reason() == Refusal.Reason.FORBIDDEN ? v.t("registry.error.admin-only") : pages.message(v, e);
            return Optional.of(page(v, who, null, message, Pages.status(e.reason())));
        }
        return Optional.of(PageResponse.redirect(PATH + "?done=" + done));
    }

    private PageResponse page(View v, SignedIn who, String done, String error, HttpResponseStatus status) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        p.put("pending", desk.pending(who.caller()));
        p.put("history", desk.history(who.caller()));
        p.put("administrator", who.caller().administersRegistry());
        p.put("done", done == null || !done.matches("approve|refuse|undo|appoint|withdraw|suspend") ? null : done);
        p.put("error", error);
        p.put("csrf", who.csrfToken());
        return pages.page("secretariat-delegation", v, p, status);
    }
}
