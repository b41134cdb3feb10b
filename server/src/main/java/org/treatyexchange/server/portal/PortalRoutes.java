package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.StateDesk;

/**
 * Decides which page answers a request: static files, then the public pages; everything else is a 404
 * page. Runs on the portal's executor, never on an event loop. The language comes from the switch
 * ({@code ?lang=}, remembered in a cookie), else from {@code Accept-Language}.
 */
final class PortalRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(PortalRoutes.class);
    static final String LANGUAGE_COOKIE = "__Host-lang";

    private final Pages pages;
    private final PublicPages publicPages;
    private final SessionGuard guard;
    private final StatePages statePages;

    PortalRoutes(PublicDesk publicDesk) {
        this(publicDesk, null, SessionGuard.NOBODY, new byte[0], 1);
    }

    PortalRoutes(PublicDesk publicDesk, StateDesk stateDesk, SessionGuard guard, byte[] receiptCertificatePem, int maxDocuments) {
        this.pages = new Pages(new Templates());
        this.publicPages = new PublicPages(publicDesk, pages);
        this.guard = guard;
        this.statePages = stateDesk == null ? null : new StatePages(stateDesk, pages, guard, receiptCertificatePem, maxDocuments);
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
        Optional<PageResponse> file = StaticFiles.serve(r.path());
        if (file.isPresent()) {
            return isRead(r) ? file.get() : methodNotAllowed(v);
        }
        if (statePages != null && (r.path().equals("/state") || r.path().startsWith("/state/"))) {
            return state(r, v);
        }
        if (!isRead(r)) {
            return methodNotAllowed(v);
        }
        try {
            return publicPages.get(r, v).orElseGet(() -> pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("error.notfound")));
        } catch (Refusal e) {
            return pages.refused(v, e);
        } catch (RuntimeException e) {
            LOG.error("{} {}: {}", r.method(), r.path(), e.toString(), e);
            return pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    /** The States' area: only for a person signed in for a State; a form must carry the session's CSRF token. */
    private PageResponse state(PageRequest r, View v) {
        try {
            Optional<SignedIn> who = guard.signedIn(r);
            if (who.isEmpty()) {
                return PageResponse.redirect(LOGIN);
            }
            if (who.get().caller().isSecretariat()) {
                return pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("error.notfound"));
            }
            if (r.method().equals("POST") && !guard.csrfMatches(who.get(), r.field(StatePages.CSRF_FIELD))) {
                return pages.error(v, HttpResponseStatus.FORBIDDEN, v.t("error.csrf"));
            }
            if (!isRead(r) && !r.method().equals("POST")) {
                return methodNotAllowed(v);
            }
            return statePages.handle(r, v, who.get()).orElseGet(() -> pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("error.notfound")));
        } catch (Refusal e) {
            return pages.refused(v, e);
        } catch (RuntimeException e) {
            LOG.error("{} {}: {}", r.method(), r.path(), e.toString(), e);
            return pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    /** Where a request without a live session is sent. */
    static final String LOGIN = "/login";

    /** Whether a POST to {@code path} carries documents (streamed by {@link UploadHandler}, never aggregated). */
    boolean isUpload(String path) {
        return statePages != null && StatePages.isUpload(path);
    }

    /** The streamed filing form posted to {@code r}'s path; {@code boundary} null when the body is not multipart. */
    UploadRequest upload(PageRequest r, String boundary) {
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
