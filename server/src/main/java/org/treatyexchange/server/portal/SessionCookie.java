package org.treatyexchange.server.portal;

/**
 * The portal's cookies that hold a secret: {@code __Host-} prefixed (so the browser takes them only over
 * HTTPS, for this host, with {@code Path=/}), {@code Secure}, {@code HttpOnly} (no script reads them),
 * {@code SameSite=Strict} (no other site's page can make the browser send them). Without {@code Max-Age}:
 * they end with the browser; the server ends sessions itself (idle and absolute timeouts).
 */
final class SessionCookie {

    /** The session: its id, before the second factor (pending) and after (signed in). */
    static final String SESSION = "__Host-session";
    /** The login form's anti-forgery token (double submit: the form field must equal it). */
    static final String LOGIN_FORM = "__Host-login";

    private static final String ATTRIBUTES = "; Path=/; Secure; HttpOnly; SameSite=Strict";

    private SessionCookie() {
    }

    static String set(String name, String value) {
        return name + "=" + value + ATTRIBUTES;
    }

    static String clear(String name) {
        return name + "=" + ATTRIBUTES + "; Max-Age=0";
    }
}
