package org.treatyexchange.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.treatyexchange.server.application.Refusal;

/**
 * The one place where a refusal becomes an HTTP status and an RFC 9457 problem type. Clients see the
 * type, a fixed title and a safe detail; never an exception text, a stack trace or a host path.
 */
enum Problem {
    // One problem per refusal reason; the slug is the reason's code.
    INVALID_NAME(400, Refusal.Reason.INVALID_NAME, "The document name is not allowed"),
    UNKNOWN_REPORT_TYPE(400, Refusal.Reason.UNKNOWN_REPORT_TYPE, "Unknown report type"),
    INVALID_PERIOD(400, Refusal.Reason.INVALID_PERIOD, "The reporting period is not valid for the report type"),
    INVALID_ROUTING(400, Refusal.Reason.INVALID_ROUTING, "The confidentiality said is not possible"),
    INVALID_CONTENT(400, Refusal.Reason.INVALID_CONTENT, "The document breaks its report type's format"),
    MALFORMED(400, Refusal.Reason.MALFORMED, "The request is not well-formed"),
    BAD_SIGNATURE(400, Refusal.Reason.BAD_SIGNATURE, "The signature does not verify"),
    UNKNOWN_SIGNER(403, Refusal.Reason.UNKNOWN_SIGNER, "The signer is not registered"),
    SIGNER_NOT_OF_STATE(403, Refusal.Reason.SIGNER_NOT_OF_STATE, "Signer, client and envelope are not of one State"),
    CLOCK_SKEW(400, Refusal.Reason.CLOCK_SKEW, "The message is too far from the server's clock"),
    DIGEST_MISMATCH(400, Refusal.Reason.DIGEST_MISMATCH, "A document does not match the envelope"),
    DUPLICATE_ID(409, Refusal.Reason.DUPLICATE_ID, "The id was used for other content"),
    TOO_LARGE(413, Refusal.Reason.TOO_LARGE, "Over a limit"),
    // 507: the account's storage is what is exhausted, not the request that is too large
    QUOTA_EXCEEDED(507, Refusal.Reason.QUOTA_EXCEEDED, "The account's storage quota is exceeded"),
    FORBIDDEN(403, Refusal.Reason.FORBIDDEN, "Not allowed for this client"),
    NOT_FOUND(404, Refusal.Reason.NOT_FOUND, "Not found"),
    CONFLICT(409, Refusal.Reason.CONFLICT, "Not possible in the filing's current state"),
    TAMPERED(500, Refusal.Reason.TAMPERED, "A stored document failed its integrity check"),
    STORAGE_FULL(507, Refusal.Reason.STORAGE_FULL, "The server's storage is full; nothing was kept, retry later"),
    UNAVAILABLE(503, Refusal.Reason.UNAVAILABLE, "Temporarily unavailable; nothing was kept, retry later"),
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
    private final Refusal.Reason reason;

    Problem(int status, Refusal.Reason reason, String title) {
        this(status, reason.code(), title, reason);
    }

    Problem(int status, String slug, String title) {
        this(status, slug, title, null);
    }

    Problem(int status, String slug, String title, Refusal.Reason reason) {
        this.status = HttpResponseStatus.valueOf(status);
        this.slug = slug;
        this.title = title;
        this.reason = reason;
    }

    /** The problem a refusal becomes: the one of its reason. */
    static Problem of(Refusal.Reason reason) {
        for (Problem p : values()) {
            if (p.reason == reason) {
                return p;
            }
        }
        throw new IllegalStateException("no problem for refusal reason " + reason);
    }

    String type() {
        return TYPE_PREFIX + slug;
    }

    /** The problem document; {@code detail} must already be safe to show (a fixed text or a Refusal message). */
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
