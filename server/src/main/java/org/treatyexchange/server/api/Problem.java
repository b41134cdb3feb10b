package org.treatyexchange.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.treatyexchange.server.messages.MessageException;

/**
 * The one place where a refusal becomes an HTTP status and an RFC 9457 problem type. Clients see the
 * type, a fixed title and a safe detail; never an exception text, a stack trace or a host path.
 */
enum Problem {
    BAD_SIGNATURE(400, "bad-signature", "The signature does not verify"),
    UNKNOWN_SIGNER(403, "unknown-signer", "The signer is not registered"),
    SIGNER_NOT_OF_STATE(403, "signer-not-of-state", "Signer, client and envelope are not of one State"),
    CLOCK_SKEW(400, "clock-skew", "The message is too far from the server's clock"),
    DUPLICATE_ID(409, "duplicate-id", "The message id was used for another message"),
    DIGEST_MISMATCH(400, "digest-mismatch", "A document does not match the envelope"),
    TOO_LARGE(413, "too-large", "Over a limit"),
    MALFORMED(400, "malformed", "The request is not well-formed"),
    FORBIDDEN(403, "forbidden", "Not allowed for this client"),
    NOT_FOUND(404, "not-found", "Not found"),
    UNAVAILABLE(503, "unavailable", "Temporarily unavailable; nothing was kept, retry later"),
    // Edge-only problems, raised before or around the domain.
    UNKNOWN_CLIENT(403, "unknown-client", "The client certificate is not registered"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    HEADER_TOO_LARGE(431, "header-too-large", "Request headers too large"),
    URI_TOO_LONG(414, "uri-too-long", "Request line too long"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    EXPECTATION_FAILED(417, "expectation-failed", "Unsupported expectation"),
    REQUEST_TIMEOUT(408, "request-timeout", "The request did not arrive in time"),
    INTERNAL(500, "internal", "Internal error");

    static final String TYPE_PREFIX = "urn:treaty-exchange:problem:";
    static final String INSTANCE_PREFIX = "urn:treaty-exchange:request:";
    static final String MEDIA_TYPE = "application/problem+json";
    /** The only detail an unexpected failure ever shows; the log has the rest under the request id. */
    static final String INTERNAL_DETAIL = "Unexpected server error; quote the request id to the secretariat";

    private static final ObjectMapper JSON = new ObjectMapper();

    final HttpResponseStatus status;
    final String slug;
    final String title;

    Problem(int status, String slug, String title) {
        this.status = HttpResponseStatus.valueOf(status);
        this.slug = slug;
        this.title = title;
    }

    static Problem of(MessageException.Reason reason) {
        return switch (reason) {
            case BAD_SIGNATURE -> BAD_SIGNATURE;
            case UNKNOWN_SIGNER -> UNKNOWN_SIGNER;
            case SIGNER_NOT_OF_STATE -> SIGNER_NOT_OF_STATE;
            case CLOCK_SKEW -> CLOCK_SKEW;
            case DUPLICATE_ID -> DUPLICATE_ID;
            case DIGEST_MISMATCH -> DIGEST_MISMATCH;
            case TOO_LARGE -> TOO_LARGE;
            case MALFORMED -> MALFORMED;
            case FORBIDDEN -> FORBIDDEN;
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE -> UNAVAILABLE;
        };
    }

    String type() {
        return TYPE_PREFIX + slug;
    }

    /** The problem document; {@code detail} must already be safe to show (a fixed text or a MessageException message). */
    byte[] json(String detail, String requestId) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type());
        o.put("title", title);
        o.put("status", status.code());
        o.put("detail", detail == null || detail.isBlank() ? title : detail);
        o.put("instance", INSTANCE_PREFIX + requestId);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            // Cannot happen for an ObjectNode of strings; never leak it either way.
            return ("{\"type\":\"" + TYPE_PREFIX + "internal\",\"status\":500}").getBytes(StandardCharsets.US_ASCII);
        }
    }
}
