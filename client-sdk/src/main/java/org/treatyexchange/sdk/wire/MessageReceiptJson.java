package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one definition of the message receipt's JSON form (version 1).
 *
 * <p>Canonical writing: UTF-8, no white space, every field always written (null as JSON null) in the
 * order {@code version, kind, messageId, state, account, signerFingerprint, envelopeSha256,
 * receivedAt, level, reportType, period, documents, recipients}; each document is
 * {@code {"filingId","name","size","sha256"}}.
 *
 * <p>Strict reading as for {@link EnvelopeJson}: bounded size, no unknown or duplicate fields; absent
 * and null mean the same for nullable fields and for the two lists.
 */
public final class MessageReceiptJson {

    private static final String WHAT = "message receipt";
    private static final Set<String> FIELDS = Set.of("version", "kind", "messageId", "state", "account",
            "signerFingerprint", "envelopeSha256", "receivedAt", "level", "reportType", "period", "documents", "recipients");
    private static final Set<String> DOCUMENT_FIELDS = Set.of("filingId", "name", "size", "sha256");

    private MessageReceiptJson() {
    }

    /** The canonical bytes of {@code r}. */
    public static byte[] toBytes(MessageReceipt r) {
        ObjectNode n = StrictJson.WRITER.createObjectNode();
        n.put("version", r.version());
        n.put("kind", r.kind().wireName());
        n.put("messageId", r.messageId());
        n.put("state", r.state());
        n.put("account", r.account());
        n.put("signerFingerprint", r.signerFingerprint());
        n.put("envelopeSha256", r.envelopeSha256());
        n.put("receivedAt", r.receivedAt().toString());
        n.put("level", r.level() == null ? null : r.level().wireName());
        n.put("reportType", r.reportType());
        n.put("period", r.period());
        ArrayNode docs = n.putArray("documents");
        for (MessageReceipt.FiledDocument d : r.documents()) {
            ObjectNode o = docs.addObject();
            o.put("filingId", d.filingId());
            o.put("name", d.name());
            o.put("size", d.size());
            o.put("sha256", d.sha256());
        }
        StrictJson.strings(n, "recipients", r.recipients());
        return StrictJson.write(n);
    }

    /**
     * Reads and validates a message receipt.
     *
     * @throws WireFormatException with a safe message naming the field and rule
     */
    public static MessageReceipt fromBytes(byte[] json) throws WireFormatException {
        ObjectNode n = StrictJson.parseObject(json, MessageReceipt.MAX_BYTES, WHAT);
        StrictJson.version(n, MessageReceipt.CURRENT_VERSION, WHAT);
        StrictJson.refuseUnknown(n, FIELDS, WHAT);
        MessageReceipt.Kind kind = MessageReceipt.Kind.fromWireName(StrictJson.text(n, "kind", WHAT))
                .orElseThrow(() -> new WireFormatException("message receipt field 'kind' is not a known kind"));
        List<MessageReceipt.FiledDocument> documents = new ArrayList<>();
        String docWhat = WHAT + " document";
        for (JsonNode item : StrictJson.optionalArray(n, "documents", Rules.MAX_DOCUMENTS, WHAT)) {
            ObjectNode d = StrictJson.object(item, "documents", WHAT);
            StrictJson.refuseUnknown(d, DOCUMENT_FIELDS, docWhat);
            String filingId = StrictJson.text(d, "filingId", docWhat);
            String name = StrictJson.text(d, "name", docWhat);
            long size = StrictJson.nonNegativeLong(d, "size", docWhat);
            String sha256 = StrictJson.text(d, "sha256", docWhat);
            try {
                documents.add(new MessageReceipt.FiledDocument(filingId, name, size, sha256));
            } catch (IllegalArgumentException e) {
                throw new WireFormatException(WHAT + ": " + e.getMessage());
            }
        }
        try {
            return new MessageReceipt(MessageReceipt.CURRENT_VERSION, kind,
                    StrictJson.text(n, "messageId", WHAT),
                    StrictJson.optionalText(n, "state", WHAT),
                    StrictJson.text(n, "account", WHAT),
                    StrictJson.text(n, "signerFingerprint", WHAT),
                    StrictJson.text(n, "envelopeSha256", WHAT),
                    StrictJson.instant(n, "receivedAt", WHAT),
                    StrictJson.optionalLevel(n, "level", WHAT),
                    StrictJson.optionalText(n, "reportType", WHAT),
                    StrictJson.optionalText(n, "period", WHAT),
                    documents,
                    StrictJson.optionalStringArray(n, "recipients", Rules.MAX_RECIPIENTS, WHAT));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(WHAT + ": " + e.getMessage());
        }
    }
}
