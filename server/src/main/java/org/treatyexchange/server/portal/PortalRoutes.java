package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.Refusal;

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

    PortalRoutes(PublicDesk publicDesk) {
        this.pages = new Pages(new Templates());
        this.publicPages = new PublicPages(publicDesk, pages);
    }

    PageResponse handle(PageRequest r) {
        String switched = r.param("lang");
        boolean validSwitch = switched != null && Texts.LANGUAGES.contains(switched);
        String language = Texts.choose(validSwitch ? switched : r.cookie(LANGUAGE_COOKIE).orElse(null), r.acceptLanguage());
        View v = new View(Texts.of(language), r.pathWithoutLanguage());
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
