package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one definition of the receipt's JSON form. Field order is fixed and the output is UTF-8
 * without insignificant white space, so the same receipt always yields the same bytes.
 */
public final class ReceiptJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReceiptJson() {
    }

    public static byte[] toBytes(Receipt r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", r.version());
        n.put("filingId", r.filingId());
        n.put("state", r.state());
        n.put("account", r.account());
        n.put("keyFingerprint", r.keyFingerprint());
        n.put("channel", r.channel());
        n.put("fileName", r.fileName());
        n.put("size", r.size());
        n.put("sha256", r.sha256());
        n.put("receivedAt", r.receivedAt().toString());
        n.put("reportType", r.reportType());
        n.put("period", r.period());
        n.put("level", r.level().wireName());
        n.put("supersedes", r.supersedes());
        try {
            return MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("receipt could not be written as JSON", e);
        }
    }

    /**
     * Reads a receipt's JSON.
     *
     * @throws WireFormatException when the bytes are not a version-1 receipt
     */
    public static Receipt fromBytes(byte[] json) throws WireFormatException {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new WireFormatException("receipt is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new WireFormatException("receipt is not a JSON object");
        }
        int version = n.path("version").asInt(-1);
        if (version != Receipt.CURRENT_VERSION) {
            throw new WireFormatException("unsupported receipt version " + version);
        }
        try {
            return new Receipt(
                    version,
                    text(n, "filingId"),
                    text(n, "state"),
                    text(n, "account"),
                    text(n, "keyFingerprint"),
                    text(n, "channel"),
                    text(n, "fileName"),
                    n.path("size").asLong(-1),
                    text(n, "sha256"),
                    Instant.parse(text(n, "receivedAt")),
                    text(n, "reportType"),
                    optionalText(n, "period"),
                    ConfidentialityLevel.fromWireName(text(n, "level"))
                            .orElseThrow(() -> new WireFormatException("unknown level in receipt")),
                    optionalText(n, "supersedes"));
        } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new WireFormatException("receipt is missing a field or has a malformed one");
        }
    }

    private static String text(JsonNode n, String field) throws WireFormatException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new WireFormatException("receipt field '" + field + "' is missing");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
