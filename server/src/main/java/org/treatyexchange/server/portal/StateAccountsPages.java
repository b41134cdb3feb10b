package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.DelegatedAdministration;
import org.treatyexchange.server.application.Refusal;

/**
 * A State administrator's page under {@code /state/accounts}: its State's accounts with their keys, certificates and last
 * login; invite a person (the mail in the chosen portal language); add a national system's account; register an SSH key, a
 * certificate or a certificate request; revoke, remove, suspend, reinstate; the State's
 * history of changes. Every account is named in a form field and {@link DelegatedAdministration} decides: another State's
 * account, the secretariat's or an unknown one answers as missing, and a State person who is not an administrator finds no
 * page at all. No rule here.
 */
final class StateAccountsPages {

    static final String PATH = "/state/accounts";
    private static final int MAX_FIELD = 16 * 1024;

    private final DelegatedAdministration desk;
    private final Pages pages;

    StateAccountsPages(DelegatedAdministration desk, Pages pages) {
        this.desk = desk;
        this.pages = pages;
    }

    Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        try {
            return answer(r, v, who);
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.FORBIDDEN && !who.caller().administersState()) {
                throw new Refusal(Refusal.Reason.NOT_FOUND, "no such page"); // a State person who is not its administrator: no such page
            }
            throw e;
        }
    }

    private Optional<PageResponse> answer(PageRequest r, View v, SignedIn who) throws Refusal {
        String path = r.path();
        boolean post = r.method().equals("POST");
        if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
            return Optional.empty();
        }
        if (!post) {
            if (!path.equals(PATH)) {
                return Optional.empty();
            }
            Map<String, Object> extra = new HashMap<>();
            extra.put("done", done(r.param("done")));
            return Optional.of(page(v, who, extra, HttpResponseStatus.OK));
        }
        Map<String, Object> extra = new HashMap<>();
        try {
            String account = field(r, "account");
            DelegatedAdministration.Outcome outcome = switch (path) {
                case PATH + "/invite" -> desk.invite(who.caller(), account, field(r, "email"), language(r, v));
                case PATH + "/add-system" -> desk.addSystemAccount(who.caller(), account);
                case PATH + "/reinstate" -> desk.reinstate(who.caller(), account);
                case PATH + "/keys" -> register(r, who, account);
                case PATH + "/revoke-certificate" -> desk.revokeCertificate(who.caller(), account, field(r, "fingerprint"));
                case PATH + "/remove-key" -> desk.removeSshKey(who.caller(), account, field(r, "fingerprint"));
                case PATH + "/suspend" -> desk.suspend(who.caller(), account);
                case PATH + "/remove" -> desk.remove(who.caller(), account);
                default -> null;
            };
            if (outcome == null) {
                return Optional.empty();
            }
            extra.put("done", outcome.change().status());
            extra.put("enrolmentLink", outcome.enrolmentToken() == null ? null : "/enrol?token=" + outcome.enrolmentToken());
            extra.put("issuedCertificate", outcome.issuedCertificatePem());
            extra.put("mailedTo", outcome.mailedTo());
            // the link and the certificate are shown once, on this answer: never stored, never in a redirect
            return Optional.of(page(v, who, extra, HttpResponseStatus.OK));
        } catch (Refusal e) {
            if (!who.caller().administersState() || e.reason() == Refusal.Reason.UNAVAILABLE || e.reason() == Refusal.Reason.NOT_FOUND) {
                throw e; // not an administrator: no such page; another State's account, or none: as missing
            }
            extra.put("error", pages.message(v, e));
            return Optional.of(page(v, who, extra, Pages.status(e.reason())));
        }
    }

    private DelegatedAdministration.Outcome register(PageRequest r, SignedIn who, String account) throws Refusal {
        String sshKey = field(r, "sshKey");
        String certificate = field(r, "certificate");
        String request = field(r, "csr");
        int given = (blank(sshKey) ? 0 : 1) + (blank(certificate) ? 0 : 1) + (blank(request) ? 0 : 1);
        if (given != 1) {
            throw new Refusal(Refusal.Reason.MALFORMED, "give one of: an SSH public key, a PEM certificate, a certificate request");
        }
        if (!blank(sshKey)) {
            return desk.registerSshKey(who.caller(), account, sshKey);
        }
        if (!blank(certificate)) {
            return desk.registerCertificate(who.caller(), account, certificate);
        }
        return desk.signCertificateRequest(who.caller(), account, request);
    }

    private PageResponse page(View v, SignedIn who, Map<String, Object> extra, HttpResponseStatus status) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        p.put("state", who.caller().state());
        p.put("accounts", desk.accounts(who.caller()));
        p.put("history", desk.stateHistory(who.caller()));
        p.put("csrf", who.csrfToken());
        p.put("done", null);
        p.put("error", null);
        p.put("enrolmentLink", null);
        p.put("issuedCertificate", null);
        p.put("mailedTo", null);
        p.putAll(extra);
        return pages.page("state-accounts", v, p, status);
    }

    private static String done(String param) {
        return param != null && param.matches("applied|pending") ? param : null;
    }

    /** The invitation mail's language: the one chosen on the form if it is one of the portal's, else the page's. */
    private static String language(PageRequest r, View v) throws Refusal {
        String chosen = field(r, "language");
        return chosen != null && Texts.LANGUAGES.contains(chosen) ? chosen : v.lang();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String field(PageRequest r, String name) throws Refusal {
        String value = r.field(name);
        if (value != null && value.length() > MAX_FIELD) {
            throw new Refusal(Refusal.Reason.TOO_LARGE, name + " is longer than " + MAX_FIELD + " characters");
        }
        return value == null ? null : value.strip();
    }
}
