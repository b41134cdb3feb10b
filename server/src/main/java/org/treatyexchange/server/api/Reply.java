package org.treatyexchange.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * A response decided off the event loop, turned into a Netty response on it.
 *
 * @param status HTTP status
 * @param contentType media type of {@code body}, or null when there is no body
 * @param body the body (never a buffer: it crosses threads), empty for none
 * @param headers extra headers (e.g. {@code Allow}, {@code Retry-After})
 * @param problem the problem this reply reports, or null for success (for the access log)
 */
record Reply(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers, Problem problem) {

    static final String PKCS7 = "application/pkcs7-mime";
    static final String JSON = "application/json";

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply ok(String contentType, byte[] body) {
        return new Reply(HttpResponseStatus.OK, contentType, body, Map.of(), null);
    }

    static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null, new byte[0], Map.of(), null);
    }

    static Reply problem(Problem p, String detail, String requestId) {
        return problem(p, detail, requestId, Map.of());
    }

    static Reply problem(Problem p, String detail, String requestId, Map<String, String> headers) {
        return new Reply(p.status, Problem.MEDIA_TYPE, p.json(detail, requestId), headers, p);
    }
}
