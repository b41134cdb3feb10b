package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.PortalLogins;
import org.treatyexchange.server.application.Refusal;

/**
 * Login and logout: {@code /login} (account name and password), {@code /login/code} (the code from the
 * authenticator app), {@code /login/enrol} (the first login: the secret, its QR code at
 * {@code /login/enrol/qr.svg}, and a first code to confirm it), {@code POST /logout}. Decodes the forms,
 * calls {@link PortalLogins} and maps its answer to a page or a redirect with the session cookie; every
 * form carries an anti-forgery token (before login: a double-submit cookie; after: the session's).
 */
final class LoginPages {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final PortalLogins logins;
    private final SessionGuard guard;
    private final Pages pages;

    LoginPages(PortalLogins logins, SessionGuard guard, Pages pages) {
        this.logins = logins;
        this.guard = guard;
        this.pages = pages;
    }

    /** The answer to a request for a login path, if it is one. */
    Optional<PageResponse> handle(PageRequest r, View v) throws Refusal {
        boolean get = r.method().equals("GET") || r.method().equals("HEAD");
        boolean post = r.method().equals("POST");
        return Optional.ofNullable(switch (r.path()) {
            case "/login" -> get ? loginForm(r, v) : post ? password(r, v) : null;
            case "/login/code" -> get ? codeForm(r, v, null, HttpResponseStatus.OK) : post ? code(r, v) : null;
            case "/login/enrol" -> get ? enrolForm(r, v, null, HttpResponseStatus.OK) : null;
            case "/login/enrol/qr.svg" -> get ? qr(r) : null;
            case "/logout" -> post ? logout(r, v) : null;
            default -> null;
        });
    }

    /** Where a signed-in person starts. */
    static String home(Caller c) {
        return c.isSecretariat() ? "/secretariat/" : "/state/";
    }

    private PageResponse loginForm(PageRequest r, View v) {
        Optional<SignedIn> who = guard.signedIn(r);
        if (who.isPresent()) {
            return PageResponse.redirect(home(who.get().caller()));
        }
        String notice = r.param("ended") != null ? v.t("login.ended") : r.param("out") != null ? v.t("login.loggedout") : null;
        return loginPage(v, "", null, notice, HttpResponseStatus.OK);
    }

    private PageResponse loginPage(View v, String account, String error, String notice, HttpResponseStatus status) {
        String token = newToken();
        Map<String, Object> p = new HashMap<>();
        p.put("csrf", token);
        p.put("account", account);
        p.put("error", error);
        p.put("notice", notice);
        return pages.page("login", v, p, status).withHeader("Set-Cookie", SessionCookie.set(SessionCookie.LOGIN_FORM, token));
    }

    private PageResponse password(PageRequest r, View v) throws Refusal {
        String expected = r.cookie(SessionCookie.LOGIN_FORM).orElse(null);
        if (!same(expected, r.field("csrf"))) {
            return forbidden(v);
        }
        String account = r.field("account") == null ? "" : r.field("account").strip();
        String password = r.field("password") == null ? "" : r.field("password");
        if (account.isEmpty() || password.isEmpty()) {
            return loginPage(v, account, v.t("login.missing"), null, HttpResponseStatus.BAD_REQUEST);
        }
        // a new login ends whatever session this browser had
        logins.logout(r.cookie(SessionCookie.SESSION).orElse(null), r.source());
        PortalLogins.Step step = logins.password(account, password.toCharArray(), r.clientCertificate(), r.source());
        return switch (step.next()) {
            case REFUSED -> loginPage(v, account, v.t("login.refused"), null, HttpResponseStatus.FORBIDDEN);
            case LOCKED_OUT -> loginPage(v, account, v.t("login.locked"), null, HttpResponseStatus.TOO_MANY_REQUESTS);
            case CODE -> withSession(PageResponse.redirect("/login/code"), step.sessionId());
            case ENROL -> withSession(PageResponse.redirect("/login/enrol"), step.sessionId());
            case SIGNED_IN -> withSession(PageResponse.redirect(home(step.caller())), step.sessionId());
        };
    }

    private PageResponse codeForm(PageRequest r, View v, String error, HttpResponseStatus status) {
        Optional<String> pending = r.cookie(SessionCookie.SESSION);
        if (pending.isEmpty()) {
            return PageResponse.redirect("/login");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("csrf", PortalLogins.csrfToken(pending.get()));
        p.put("error", error);
        return pages.page("login-code", v, p, status);
    }

    private PageResponse enrolForm(PageRequest r, View v, String error, HttpResponseStatus status) throws Refusal {
        Optional<String> pending = r.cookie(SessionCookie.SESSION);
        Optional<String> uri = logins.enrolmentUri(pending.orElse(null));
        if (uri.isEmpty()) {
            return PageResponse.redirect("/login");
        }
        String secret = java.net.URI.create(uri.get()).getRawQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
        Map<String, Object> p = new HashMap<>();
        p.put("csrf", PortalLogins.csrfToken(pending.get()));
        p.put("secret", secret.replaceAll("(.{4})(?!$)", "$1 "));
        p.put("error", error);
        return pages.page("login-enrol", v, p, status);
    }

    private PageResponse qr(PageRequest r) throws Refusal {
        Optional<String> uri = logins.enrolmentUri(r.cookie(SessionCookie.SESSION).orElse(null));
        if (uri.isEmpty()) {
            return PageResponse.bytes("text/plain; charset=utf-8", "no enrolment in progress\n".getBytes(StandardCharsets.UTF_8), "no-store")
                    .withStatus(HttpResponseStatus.NOT_FOUND);
        }
        return PageResponse.bytes("image/svg+xml", QrCode.svg(uri.get()).getBytes(StandardCharsets.UTF_8), "no-store");
    }

    private PageResponse code(PageRequest r, View v) throws Refusal {
        Optional<String> pending = r.cookie(SessionCookie.SESSION);
        if (pending.isEmpty()) {
            return PageResponse.redirect("/login");
        }
        if (!same(PortalLogins.csrfToken(pending.get()), r.field("csrf"))) {
            return forbidden(v);
        }
        boolean enrolling = logins.enrolmentUri(pending.get()).isPresent();
        PortalLogins.Step step = logins.code(pending.get(), r.field("code"), r.source());
        return switch (step.next()) {
            case SIGNED_IN -> withSession(PageResponse.redirect(home(step.caller())), step.sessionId());
            case LOCKED_OUT -> loginPage(v, "", v.t("login.locked"), null, HttpResponseStatus.TOO_MANY_REQUESTS)
                    .withHeader("Set-Cookie", SessionCookie.clear(SessionCookie.SESSION));
            default -> enrolling ? enrolForm(r, v, v.t("login.code.refused"), HttpResponseStatus.FORBIDDEN)
                    : codeForm(r, v, v.t("login.code.refused"), HttpResponseStatus.FORBIDDEN);
        };
    }

    private PageResponse logout(PageRequest r, View v) throws Refusal {
        Optional<SignedIn> who = guard.signedIn(r);
        if (who.isEmpty()) {
            return PageResponse.redirect("/login").withHeader("Set-Cookie", SessionCookie.clear(SessionCookie.SESSION));
        }
        if (!guard.csrfMatches(who.get(), r.field("csrf"))) {
            return forbidden(v);
        }
        logins.logout(r.cookie(SessionCookie.SESSION).orElseThrow(), r.source());
        return PageResponse.redirect("/login?out=1").withHeader("Set-Cookie", SessionCookie.clear(SessionCookie.SESSION));
    }

    /** A form without its anti-forgery token, or with another one: refused, nothing done. */
    PageResponse forbidden(View v) {
        return pages.error(v, HttpResponseStatus.FORBIDDEN, v.t("error.csrf"));
    }

    private static PageResponse withSession(PageResponse response, String sessionId) {
        return response.withHeader("Set-Cookie", SessionCookie.set(SessionCookie.SESSION, sessionId));
    }

    private static boolean same(String expected, String given) {
        return expected != null && given != null && !expected.isEmpty()
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
