package org.treatyexchange.server.api;

import io.netty.handler.codec.http.HttpMethod;

/**
 * The endpoints under {@code /api/v1}, matched on the raw (still percent-encoded) path so that no
 * decoding or normalisation trick reaches a different endpoint. {@code {seq}} is 1 to 18 decimal
 * digits.
 *
 * @param endpoint the endpoint, or null when no path matched (404)
 * @param seq the {@code {seq}} path segment, or -1
 * @param methodAllowed whether the method is the endpoint's (else 405 with {@code Allow})
 * @param filingId the {@code {filingId}} path segment (checked against the id alphabet), or null
 */
record Route(Endpoint endpoint, long seq, boolean methodAllowed, String filingId) {

    /** A filing id: UTC time of receipt to the millisecond, then ten Crockford base-32 characters. */
    private static final java.util.regex.Pattern FILING_ID = java.util.regex.Pattern.compile("\\d{8}T\\d{9}Z-[0-9A-HJKMNP-TV-Z]{10}");

    static final String PREFIX = "/api/v1/";

    enum Endpoint {
        SUBMIT_MESSAGE(HttpMethod.POST, false),
        INBOX(HttpMethod.GET, false),
        INBOX_ITEM(HttpMethod.GET, false),
        ACKNOWLEDGE(HttpMethod.POST, false),
        SECRETARIAT_MESSAGE(HttpMethod.POST, true),
        PENDING(HttpMethod.GET, true),
        RELEASE(HttpMethod.POST, true),
        HOLD(HttpMethod.POST, true),
        WITHDRAW(HttpMethod.POST, false),
        CONTACTS(HttpMethod.GET, false),
        INSTRUCTIONS(HttpMethod.GET, false),
        STATUS(HttpMethod.GET, true),
        OPENAPI(HttpMethod.GET, false);

        final HttpMethod method;
        /**
         * Whether only the secretariat may call it: refused before its body is read. The application layer
         * checks again ({@code SecretariatDesk}); the others decide per caller there (a State's own filings…).
         */
        final boolean secretariatOnly;

        Endpoint(HttpMethod method, boolean secretariatOnly) {
            this.method = method;
            this.secretariatOnly = secretariatOnly;
        }
    }

    static Route match(HttpMethod method, String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Endpoint e = null;
        long seq = -1;
        String filingId = null;
        if (path.startsWith(PREFIX)) {
            String rest = path.substring(PREFIX.length());
            if (rest.equals("messages")) {
                e = Endpoint.SUBMIT_MESSAGE;
            } else if (rest.equals("inbox")) {
                e = Endpoint.INBOX;
            } else if (rest.equals("secretariat/messages")) {
                e = Endpoint.SECRETARIAT_MESSAGE;
            } else if (rest.equals("secretariat/pending")) {
                e = Endpoint.PENDING;
            } else if (rest.equals("contacts")) {
                e = Endpoint.CONTACTS;
            } else if (rest.equals("instructions")) {
                e = Endpoint.INSTRUCTIONS;
            } else if (rest.equals("secretariat/status")) {
                e = Endpoint.STATUS;
            } else if (rest.equals("openapi.yaml")) {
                e = Endpoint.OPENAPI;
            } else if (rest.startsWith("secretariat/filings/")) {
                String tail = rest.substring("secretariat/filings/".length());
                int slash = tail.indexOf('/');
                String id = slash < 0 ? "" : tail.substring(0, slash);
                String action = slash < 0 ? "" : tail.substring(slash + 1);
                if (FILING_ID.matcher(id).matches() && (action.equals("release") || action.equals("hold"))) {
                    filingId = id;
                    e = action.equals("release") ? Endpoint.RELEASE : Endpoint.HOLD;
                }
            } else if (rest.startsWith("filings/")) {
                String tail = rest.substring("filings/".length());
                if (tail.endsWith("/withdraw") && FILING_ID.matcher(tail.substring(0, tail.length() - "/withdraw".length())).matches()) {
                    filingId = tail.substring(0, tail.length() - "/withdraw".length());
                    e = Endpoint.WITHDRAW;
                }
            } else if (rest.startsWith("inbox/")) {
                String tail = rest.substring("inbox/".length());
                boolean ack = tail.endsWith("/ack");
                String digits = ack ? tail.substring(0, tail.length() - "/ack".length()) : tail;
                seq = parseSeq(digits);
                if (seq >= 0) {
                    e = ack ? Endpoint.ACKNOWLEDGE : Endpoint.INBOX_ITEM;
                }
            }
        }
        if (e == null) {
            return new Route(null, -1, false, null);
        }
        return new Route(e, seq, e.method.equals(method), filingId);
    }

    static long parseSeq(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
