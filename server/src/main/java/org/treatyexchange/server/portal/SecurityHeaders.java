package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The headers every portal response carries, pages, files and errors alike: no inline script or style
 * and no framing (CSP), HTTPS only from now on (HSTS), no MIME sniffing, no referrer leaving the site.
 */
final class SecurityHeaders {

    /** Only this origin's script and style files; no inline code, no eval, no framing, no {@code <base>}, forms post here only. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private SecurityHeaders() {
    }

    static void apply(HttpHeaders h) {
        h.set("Content-Security-Policy", CSP);
        h.set("Strict-Transport-Security", "max-age=31536000");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }
}
