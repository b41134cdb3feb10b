package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.Refusal;

/**
 * Decides which page answers a request: static files, the login pages, the signed-in areas
 * ({@code /state/}, {@code /secretariat/}) behind the {@link SessionGuard}, then the public pages; everything
 * else is a 404 page. Runs on the portal's executor, never on an event loop. The language comes from the
 * switch ({@code ?lang=}, remembered in a cookie), else from {@code Accept-Language}.
 *
 * <p>In the signed-in areas: no live session → 303 to {@code /login}; a POST without the session's
 * anti-forgery token (form field {@code csrf}) → 403 and nothing done; a State's person sees only their
 * own State's pages (another State's, or the secretariat's, answer as missing), the secretariat's people
 * only the secretariat's.
 */
final class PortalRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(PortalRoutes.class);
    static final String LANGUAGE_COOKIE = "__Host-lang";
    /** A State code as the first segment under /state/ (e.g. /state/ARC/filings). */
    private static final Pattern STATE_SEGMENT = Pattern.compile("/state/([A-Z]{2,3})(/.*)?");

    private final Pages pages;
    private final PublicPages publicPages;
    private final SessionGuard guard;
    private final LoginPages loginPages;
    private final StatePages statePages;
    private final SecretariatPages secretariatPages;
    private final StateAccountsPages stateAccountsPages;
    private final EnrolmentPages enrolmentPages;

    PortalRoutes(PortalDesks desks, byte[] receiptCertificatePem, int maxDocuments) {
        this.pages = new Pages(new Templates());
        this.publicPages = new PublicPages(desks.publicDesk(), pages, receiptCertificatePem);
        this.guard = new PortalSessionGuard(desks.logins());
        this.loginPages = new LoginPages(desks.logins(), guard, pages);
        this.statePages = new StatePages(desks.states(), pages, receiptCertificatePem, maxDocuments);
        this.secretariatPages = new SecretariatPages(desks, pages);
        this.stateAccountsPages = new StateAccountsPages(desks.delegation(), pages);
        this.enrolmentPages = new EnrolmentPages(desks.delegation(), pages);
    }

    private static View view(PageRequest r) {
        String switched = r.param("lang");
        boolean validSwitch = switched != null && Texts.LANGUAGES.contains(switched);
        String language = Texts.choose(validSwitch ? switched : r.cookie(LANGUAGE_COOKIE).orElse(null), r.acceptLanguage());
        return new View(Texts.of(language), r.pathWithoutLanguage());
    }

    PageResponse handle(PageRequest r) {
        String switched = r.param("lang");
        boolean validSwitch = switched != null && Texts.LANGUAGES.contains(switched);
        View v = view(r);
        String language = v.lang();
        PageResponse response = answer(r, v);
        if (validSwitch) {
            response = response.withHeader("Set-Cookie", LANGUAGE_COOKIE + "=" + language
                    + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=31536000");
        }
        return response;
    }

    private PageResponse answer(PageRequest r, View v) {
        try {
            Optional<PageResponse> file = StaticFiles.serve(r.path());
            if (file.isPresent()) {
                return isRead(r) ? file.get() : methodNotAllowed(v);
            }
            Optional<PageResponse> login = loginPages.handle(r, v);
            if (login.isPresent()) {
                return login.get();
            }
            Optional<PageResponse> enrolment = enrolmentPages.handle(r, v);
            if (enrolment.isPresent()) {
                return enrolment.get();
            }
            if (isSignedInArea(r.path())) {
                return signedInArea(r, v);
            }
            if (!isRead(r)) {
                return methodNotAllowed(v);
            }
            return publicPages.get(r, v).orElseGet(() -> notFound(v));
        } catch (Refusal e) {
            return pages.refused(v, e);
        } catch (RuntimeException e) {
            LOG.error("{} {}: {}", r.method(), r.path(), e.toString(), e);
            return pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    static boolean isSignedInArea(String path) {
        return path.equals("/state") || path.startsWith("/state/") || path.equals("/secretariat") || path.startsWith("/secretariat/");
    }

    private PageResponse signedInArea(PageRequest r, View anonymous) throws Refusal {
        if (!isRead(r) && !r.method().equals("POST")) {
            return methodNotAllowed(anonymous).withHeader("Allow", "GET, HEAD, POST");
        }
        Optional<SignedIn> signedIn = guard.signedIn(r);
        if (signedIn.isEmpty()) {
            // a cookie that no longer opens a session: back to the login, which says why
            return r.cookie(SessionCookie.SESSION).isPresent()
                    ? PageResponse.redirect("/login?ended=1").withHeader("Set-Cookie", SessionCookie.clear(SessionCookie.SESSION))
                    : PageResponse.redirect("/login");
        }
        SignedIn who = signedIn.get();
        View v = anonymous.signedIn(who);
        if (r.method().equals("POST") && !guard.csrfMatches(who, r.field("csrf"))) {
            LOG.warn("{} {}: a form without the session's anti-forgery token was refused", who.caller().account(), r.path());
            return loginPages.forbidden(v);
        }
        boolean secretariatPath = r.path().equals("/secretariat") || r.path().startsWith("/secretariat/");
        if (who.caller().isSecretariat() != secretariatPath) {
            return notFound(v); // the other kind of area: as if it did not exist
        }
        if (secretariatPath) {
            return secretariatPages.handle(r, v, who).orElseGet(() -> notFound(v));
        }
        Matcher m = STATE_SEGMENT.matcher(r.path());
        if (m.matches() && !m.group(1).equals(who.caller().state())) {
            return notFound(v); // another State's pages: never opened, never confirmed to exist
        }
        Optional<PageResponse> accounts = stateAccountsPages.handle(r, v, who);
        if (accounts.isPresent()) {
            return accounts.get();
        }
        return statePages.handle(r, v, who).orElseGet(() -> notFound(v));
    }

    /** Where a request without a live session is sent. */
    static final String LOGIN = "/login";

    /** Whether a POST to {@code path} carries documents (streamed by {@link UploadHandler}, never aggregated). */
    boolean isUpload(String path) {
        return StatePages.isUpload(path) || MessagePages.isUpload(path);
    }

    /** The streamed form posted to {@code r}'s path (a filing, or a secretariat message); {@code boundary} null when not multipart. */
    UploadRequest upload(PageRequest r, String boundary) {
        if (MessagePages.isUpload(r.path())) {
            return new MessageUpload(secretariatPages.messages(), guard, pages, r, view(r), boundary);
        }
        return new FilingUpload(statePages, guard, pages, r, view(r), boundary);
    }

    /** An upload larger than the largest filing form, refused before its body is read. */
    PageResponse uploadTooLarge() {
        View v = new View(Texts.of("en"), "/state/file");
        return pages.error(v, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, v.t("error.toolarge"));
    }

    /** A streamed upload as {@link UploadHandler} drives it, all on the executor, in this order. */
    interface UploadRequest {
        /** Before the first byte: who is signed in. */
        void begin();

        /** The next bytes of the body, in order. */
        void feed(byte[] chunk);

        /** The body's end: the answer (the receipt page, or the form with what is wrong). */
        PageResponse finish();

        /** The request ends without an answer (the browser left, or a limit): nothing is kept. */
        void abandon();
    }

    private PageResponse notFound(View v) {
        return pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("error.notfound"));
    }

    private PageResponse methodNotAllowed(View v) {
        return pages.error(v, HttpResponseStatus.METHOD_NOT_ALLOWED, v.t("error.method")).withHeader("Allow", "GET, HEAD");
    }

    private static boolean isRead(PageRequest r) {
        return r.method().equals("GET") || r.method().equals("HEAD");
    }

    /** A page for a request that cannot be decoded (a malformed query): in English, the request's language being unknown. */
    PageResponse badRequest() {
        View v = new View(Texts.of("en"), "/");
        return pages.error(v, HttpResponseStatus.BAD_REQUEST, v.t("error.malformed"));
    }

    /** A page for when the executor is full: rendered without the store, in English. */
    PageResponse busy() {
        View v = new View(Texts.of("en"), "/");
        return pages.error(v, HttpResponseStatus.SERVICE_UNAVAILABLE, v.t("error.busy")).withHeader("Retry-After", "30");
    }
}
