package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.DelegatedAdministration;
import org.treatyexchange.server.application.Refusal;

/**
 * {@code /enrol?token=…}: an invited person sets a password with the one-time link its State administrator sent, then logs
 * in, where the TOTP enrolment follows. No session exists yet: the link's token is the credential, checked by
 * {@link DelegatedAdministration} (unknown, used, expired or awaiting approval are all refused there).
 */
final class EnrolmentPages {

    static final String PATH = "/enrol";

    private final DelegatedAdministration desk;
    private final Pages pages;

    EnrolmentPages(DelegatedAdministration desk, Pages pages) {
        this.desk = desk;
        this.pages = pages;
    }

    Optional<PageResponse> handle(PageRequest r, View v) throws Refusal {
        if (!r.path().equals(PATH)) {
            return Optional.empty();
        }
        boolean post = r.method().equals("POST");
        String token = post ? r.field("token") : r.param("token");
        if (!post) {
            Optional<String> status = desk.invitationStatus(token);
            if (status.isEmpty()) {
                return Optional.of(pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("enrol.unusable")));
            }
            return Optional.of(form(v, token, status.get().equals("ready") ? null : v.t("enrol.awaiting"), HttpResponseStatus.OK));
        }
        String password = r.field("password");
        String again = r.field("passwordAgain");
        if (password == null || !password.equals(again)) {
            return Optional.of(form(v, token, v.t("enrol.mismatch"), HttpResponseStatus.BAD_REQUEST));
        }
        try {
            String account = desk.enrol(token, password.toCharArray(), r.source());
            Map<String, Object> p = new HashMap<>();
            p.put("account", account);
            return Optional.of(pages.page("enrolled", v, p));
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.UNAVAILABLE) {
                throw e;
            }
            if (e.reason() == Refusal.Reason.NOT_FOUND) {
                return Optional.of(pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("enrol.unusable")));
            }
            return Optional.of(form(v, token, v.t("error.bad-input", e.getMessage()), Pages.status(e.reason())));
        }
    }

    private PageResponse form(View v, String token, String error, HttpResponseStatus status) {
        Map<String, Object> p = new HashMap<>();
        p.put("token", token);
        p.put("error", error);
        return pages.page("enrol", v, p, status);
    }
}
