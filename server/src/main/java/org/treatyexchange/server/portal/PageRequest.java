package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a route reads from a request, copied off the Netty buffers on the event loop so that the route
 * can run on the executor after the request is released.
 *
 * @param method the HTTP method
 * @param path the decoded path
 * @param query the decoded query parameters
 * @param acceptLanguage the browser's {@code Accept-Language}, or null
 * @param cookies the request's cookies by name (the first of each name)
 * @param source the remote address, for the audit trail
 * @param form the fields of an {@code application/x-www-form-urlencoded} body (empty for any other body)
 * @param clientCertificate SHA-256 fingerprint of the certificate the browser presented, or null
 */
record PageRequest(String method, String path, Map<String, List<String>> query, String acceptLanguage, Map<String, String> cookies,
        String source, Map<String, List<String>> form, String clientCertificate) {

    /** Most fields one form may carry: the portal's forms have a handful. */
    static final int MAX_FORM_FIELDS = 64;

    static PageRequest of(String method, String uri, HttpHeaders headers, String source) {
        return of(method, uri, headers, null, null, source);
    }

    /**
     * The request, with its url-encoded form body decoded (the aggregator has already refused a body larger
     * than {@code portal.maxFormSize}).
     *
     * @throws IllegalArgumentException for a malformed %-escape in the query or the form
     */
    static PageRequest of(String method, String uri, HttpHeaders headers, byte[] body, String clientCertificate, String source) {
        Map<String, List<String>> form = Map.of();
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (body != null && body.length > 0 && type != null
                && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            form = Map.copyOf(new QueryStringDecoder(new String(body, java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8,
                    false, MAX_FORM_FIELDS).parameters());
        }
        QueryStringDecoder d = new QueryStringDecoder(uri);
        java.util.HashMap<String, String> cookies = new java.util.HashMap<>();
        String cookieHeader = headers.get(HttpHeaderNames.COOKIE);
        if (cookieHeader != null) {
            for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(cookieHeader)) {
                cookies.putIfAbsent(c.name(), c.value());
            }
        }
        return new PageRequest(method, d.path(), Map.copyOf(d.parameters()), headers.get(HttpHeaderNames.ACCEPT_LANGUAGE),
                Map.copyOf(cookies), source, form, clientCertificate);
    }

    /** The first value of a form field, or null. */
    String field(String name) {
        List<String> v = form.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of a form field (checkboxes), possibly none. */
    List<String> fields(String name) {
        return form.getOrDefault(name, List.of());
    }

    /** The first value of a query parameter, or null. */
    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    /** The path and query without the language switch's {@code lang} parameter: what the switch links to. */
    String pathWithoutLanguage() {
        StringBuilder q = new StringBuilder();
        query.forEach((k, values) -> {
            if (!k.equals("lang")) {
                for (String v : values) {
                    q.append(q.length() == 0 ? "?" : "&").append(enc(k)).append('=').append(enc(v));
                }
            }
        });
        return path + q;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
