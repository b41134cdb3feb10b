package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one definition of the envelope's JSON form (version 1).
 *
 * <p>Writing is canonical: UTF-8, no insignificant white space, fields in this order — {@code version,
 * messageId, type, state, createdAt, level, namedStates, reportType, period, title, withheld,
 * recipients, body, documents} — where {@code state}, {@code level}, {@code reportType},
 * {@code period}, {@code body} are left out when null, {@code namedStates} and {@code recipients}
 * when empty; {@code withheld} and {@code documents} are always written. Each document is
 * {@code {"name","size","sha256","mediaType"}} in that order. {@code createdAt} is written as
 * {@link java.time.Instant#toString()}.
 *
 * <p>Reading is strict: at most {@value Envelope#MAX_BYTES} bytes, checked before parsing; valid
 * UTF-8; a single object with no duplicate or unknown keys; nesting, string and number lengths
 * bounded; absent and null optional fields mean the same (an absent {@code documents} is empty); every rule of {@link Envelope}.
 * Readers need not receive canonical bytes: the server keeps and hashes the bytes as signed.
 */
public final class EnvelopeJson {

    private static final String WHAT = "envelope";
    private static final Set<String> FIELDS = Set.of("version", "messageId", "type", "state", "createdAt", "level",
            "namedStates", "reportType", "period", "title", "withheld", "recipients", "body", "documents");
    private static final Set<String> DOCUMENT_FIELDS = Set.of("name", "size", "sha256", "mediaType");

    private EnvelopeJson() {
    }

    /** The canonical bytes of {@code e}. */
    public static byte[] toBytes(Envelope e) {
        ObjectNode n = StrictJson.WRITER.createObjectNode();
        n.put("version", e.version());
        n.put("messageId", e.messageId());
        n.put("type", e.type().wireName());
        putIfPresent(n, "state", e.state());
        n.put("createdAt", e.createdAt().toString());
        if (e.level() != null) {
            n.put("level", e.level().wireName());
        }
        if (!e.namedStates().isEmpty()) {
            StrictJson.strings(n, "namedStates", e.namedStates());
        }
        putIfPresent(n, "reportType", e.reportType());
        putIfPresent(n, "period", e.period());
        n.put("title", e.title());
        n.put("withheld", e.withheld());
        if (!e.recipients().isEmpty()) {
            StrictJson.strings(n, "recipients", e.recipients());
        }
        putIfPresent(n, "body", e.body());
        writeDocuments(n.putArray("documents"), e.documents());
        return StrictJson.write(n);
    }

    static void writeDocuments(ArrayNode a, List<DocumentInfo> documents) {
        for (DocumentInfo d : documents) {
            ObjectNode o = a.addObject();
            o.put("name", d.name());
            o.put("size", d.size());
            o.put("sha256", d.sha256());
            o.put("mediaType", d.mediaType());
        }
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    /**
     * Reads and validates an envelope.
     *
     * @throws WireFormatException with a safe message naming the field and rule
     */
    public static Envelope fromBytes(byte[] json) throws WireFormatException {
        ObjectNode n = StrictJson.parseObject(json, Envelope.MAX_BYTES, WHAT);
        StrictJson.version(n, Envelope.CURRENT_VERSION, WHAT);
        StrictJson.refuseUnknown(n, FIELDS, WHAT);
        String typeName = StrictJson.text(n, "type", WHAT);
        MessageType type = MessageType.fromWireName(typeName)
                .orElseThrow(() -> new WireFormatException("envelope field 'type' is not a known message type"));
        String messageId = StrictJson.text(n, "messageId", WHAT);
        String state = StrictJson.optionalText(n, "state", WHAT);
        var createdAt = StrictJson.instant(n, "createdAt", WHAT);
        ConfidentialityLevel level = StrictJson.optionalLevel(n, "level", WHAT);
        List<String> namedStates = StrictJson.optionalStringArray(n, "namedStates", Rules.MAX_RECIPIENTS, WHAT);
        String reportType = StrictJson.optionalText(n, "reportType", WHAT);
        String period = StrictJson.optionalText(n, "period", WHAT);
        String title = StrictJson.text(n, "title", WHAT);
        boolean withheld = StrictJson.optionalBoolean(n, "withheld", false, WHAT);
        List<String> recipients = StrictJson.optionalStringArray(n, "recipients", Rules.MAX_RECIPIENTS, WHAT);
        String body = StrictJson.optionalText(n, "body", WHAT);
        List<DocumentInfo> documents = readDocuments(n, WHAT);
        try {
            return new Envelope(Envelope.CURRENT_VERSION, messageId, type, state, createdAt, level, namedStates,
                    reportType, period, title, withheld, recipients, body, documents);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(WHAT + ": " + e.getMessage());
        }
    }

    static List<DocumentInfo> readDocuments(ObjectNode n, String what) throws WireFormatException {
        List<DocumentInfo> out = new ArrayList<>();
        for (JsonNode item : StrictJson.optionalArray(n, "documents", Rules.MAX_DOCUMENTS, what)) {
            ObjectNode d = StrictJson.object(item, "documents", what);
            StrictJson.refuseUnknown(d, DOCUMENT_FIELDS, what + " document");
            String name = StrictJson.text(d, "name", what + " document");
            long size = StrictJson.nonNegativeLong(d, "size", what + " document");
            String sha256 = StrictJson.text(d, "sha256", what + " document");
            String mediaType = StrictJson.text(d, "mediaType", what + " document");
            try {
                out.add(new DocumentInfo(name, size, sha256, mediaType));
            } catch (IllegalArgumentException e) {
                throw WireFormatException.of(what, e);
            }
        }
        return out;
    }
}
