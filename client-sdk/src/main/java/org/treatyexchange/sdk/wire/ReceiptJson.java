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

    /** The receipt's canonical JSON: the same receipt always gives the same bytes. */
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
        // Strict like every other reader: valid UTF-8, bounded, no unknown fields, every field checked,
        // so that what is read always writes back to the same bytes.
        ObjectNode n = StrictJson.parseObject(json, MAX_BYTES, "receipt");
        StrictJson.version(n, Receipt.CURRENT_VERSION, "receipt");
        StrictJson.refuseUnknown(n, FIELDS, "receipt");
        try {
            String channel = text(n, "channel");
            Rules.require(channel.equals("sftp") || channel.equals("api"), "channel must be sftp or api");
            String keyFingerprint = text(n, "keyFingerprint");
            Rules.require(keyFingerprint.length() <= 256 && Rules.printable(keyFingerprint, false), "keyFingerprint is malformed");
            String period = optionalText(n, "period");
            String supersedes = optionalText(n, "supersedes");
            return new Receipt(
                    Receipt.CURRENT_VERSION,
                    Rules.id("filingId", text(n, "filingId")),
                    Rules.state("state", text(n, "state")),
                    Rules.account("account", text(n, "account")),
                    keyFingerprint,
                    channel,
                    Rules.documentName("fileName", text(n, "fileName")),
                    StrictJson.nonNegativeLong(n, "size", "receipt"),
                    Rules.sha256("sha256", text(n, "sha256")),
                    StrictJson.instant(n, "receivedAt", "receipt"),
                    Rules.reportType("reportType", text(n, "reportType")),
                    period == null ? null : Rules.period("period", period),
                    ConfidentialityLevel.fromWireName(text(n, "level"))
                            .orElseThrow(() -> new WireFormatException("unknown level in receipt")),
                    supersedes == null ? null : Rules.id("supersedes", supersedes));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("receipt: " + e.getMessage());
        }
    }

    /** Largest receipt accepted. */
    static final int MAX_BYTES = 64 * 1024;

    private static final java.util.Set<String> FIELDS = java.util.Set.of("version", "filingId", "state", "account", "keyFingerprint",
            "channel", "fileName", "size", "sha256", "receivedAt", "reportType", "period", "level", "supersedes");

    private static String text(ObjectNode n, String field) throws WireFormatException {
        return StrictJson.text(n, field, "receipt");
    }

    private static String optionalText(ObjectNode n, String field) throws WireFormatException {
        return StrictJson.optionalText(n, field, "receipt");
    }
}
