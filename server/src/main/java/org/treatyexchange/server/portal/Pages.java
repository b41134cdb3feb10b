package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Map;
import org.treatyexchange.server.application.Refusal;

/**
 * Renders pages and maps the layer's refusals to them — the one place where a reason code becomes an
 * HTTP status and a message in the page's language.
 */
final class Pages {

    private final Templates templates;

    Pages(Templates templates) {
        this.templates = templates;
    }

    PageResponse page(String template, View v, Map<String, Object> params) {
        return page(template, v, params, HttpResponseStatus.OK);
    }

    PageResponse page(String template, View v, Map<String, Object> params, HttpResponseStatus status) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("v", v);
        return PageResponse.html(status, templates.render(template + ".jte", all));
    }

    PageResponse error(View v, HttpResponseStatus status, String message) {
        return page("error", v, Map.of("message", message), status);
    }

    /** A refusal as a page: the status its reason means in HTTP, and its message in the page's language. */
    PageResponse refused(View v, Refusal e) {
        return error(v, status(e.reason()), message(v, e));
    }

    /** The message for a refusal, in the page's language where the bundle has one for its code, else the layer's safe message. */
    String message(View v, Refusal e) {
        String key = switch (e.reason()) {
            case NOT_FOUND, FORBIDDEN -> "error.notfound";
            case UNAVAILABLE, STORAGE_FULL, TAMPERED -> "error.unavailable";
            case TOO_LARGE, QUOTA_EXCEEDED -> "error.toolarge";
            case UNKNOWN_REPORT_TYPE -> "error.unknown-report-type";
            case INVALID_PERIOD -> "error.invalid-period";
            default -> null;
        };
        return key != null ? v.t(key) : v.t("error.bad-input", e.getMessage());
    }

    static HttpResponseStatus status(Refusal.Reason reason) {
        return switch (reason) {
            // another State's or a non-public document answers as a missing one: its existence is not told
            case NOT_FOUND, FORBIDDEN -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT, DUPLICATE_ID -> HttpResponseStatus.CONFLICT;
            case TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case QUOTA_EXCEEDED, STORAGE_FULL -> HttpResponseStatus.INSUFFICIENT_STORAGE;
            case UNAVAILABLE, TAMPERED -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }
}
