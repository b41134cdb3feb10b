package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The one definition of the inbox item's JSON form (version 1).
 *
 * <p>Canonical writing: UTF-8, no white space, every field always written (null as JSON null) in the
 * order {@code version, kind, id, to, createdAt, title, body, documents, filingId, level}; each document
 * is {@code {"name","size","sha256","mediaType"}} as in the envelope.
 *
 * <p>Strict reading as for {@link EnvelopeJson}: bounded size, no unknown or duplicate fields; absent
 * and null mean the same for nullable fields and for {@code documents}.
 */
public final class InboxItemJson {

    private static final String WHAT = "inbox item";
    private static final Set<String> FIELDS = Set.of("version", "kind", "id", "to", "createdAt", "title", "body",
            "documents", "filingId", "level");

    private InboxItemJson() {
    }

    /** The canonical bytes of {@code item}. */
    public static byte[] toBytes(InboxItem item) {
        ObjectNode n = StrictJson.WRITER.createObjectNode();
        n.put("version", item.version());
        n.put("kind", item.kind().wireName());
        n.put("id", item.id());
        n.put("to", item.to());
        n.put("createdAt", item.createdAt().toString());
        n.put("title", item.title());
        n.put("body", item.body());
        EnvelopeJson.writeDocuments(n.putArray("documents"), item.documents());
        n.put("filingId", item.filingId());
        n.put("level", item.level() == null ? null : item.level().wireName());
        return StrictJson.write(n);
    }

    /**
     * Reads and validates an inbox item.
     *
     * @throws WireFormatException with a safe message naming the field and rule
     */
    public static InboxItem fromBytes(byte[] json) throws WireFormatException {
        ObjectNode n = StrictJson.parseObject(json, InboxItem.MAX_BYTES, WHAT);
        StrictJson.version(n, InboxItem.CURRENT_VERSION, WHAT);
        StrictJson.refuseUnknown(n, FIELDS, WHAT);
        InboxItem.Kind kind = InboxItem.Kind.fromWireName(StrictJson.text(n, "kind", WHAT))
                .orElseThrow(() -> new WireFormatException("inbox item field 'kind' is not a known kind"));
        var documents = EnvelopeJson.readDocuments(n, WHAT);
        try {
            return new InboxItem(InboxItem.CURRENT_VERSION, kind,
                    StrictJson.text(n, "id", WHAT),
                    StrictJson.text(n, "to", WHAT),
                    StrictJson.instant(n, "createdAt", WHAT),
                    StrictJson.text(n, "title", WHAT),
                    StrictJson.optionalText(n, "body", WHAT),
                    documents,
                    StrictJson.optionalText(n, "filingId", WHAT),
                    StrictJson.optionalLevel(n, "level", WHAT));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(WHAT + ": " + e.getMessage());
        }
    }
}
