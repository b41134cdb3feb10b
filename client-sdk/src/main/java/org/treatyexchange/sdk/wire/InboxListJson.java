package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one definition of a State's inbox listing ({@code GET /api/v1/inbox}):
 * {@code {"entries":[{"seq","kind","id","title","createdAt"}]}}, oldest first. Not signed: each item is
 * fetched, signed, on its own. Read with bounded size and no duplicate fields; fields a later server adds
 * are ignored, so an SDK keeps reading the listing of a newer server.
 */
public final class InboxListJson {

    /** The most entries one listing carries. */
    public static final int MAX_ENTRIES = 1000;
    private static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final String WHAT = "inbox listing";

    private InboxListJson() {
    }

    /** The listing of {@code entries}, oldest first as given. */
    public static byte[] toBytes(List<InboxEntry> entries) {
        ObjectNode root = StrictJson.WRITER.createObjectNode();
        ArrayNode items = root.putArray("entries");
        for (InboxEntry e : entries) {
            items.addObject()
                    .put("seq", e.seq())
                    .put("kind", e.kind())
                    .put("id", e.id())
                    .put("title", e.title())
                    .put("createdAt", e.createdAt().toString());
        }
        return StrictJson.write(root);
    }

    /** @throws WireFormatException with a safe message naming the field and rule */
    public static List<InboxEntry> fromBytes(byte[] json) throws WireFormatException {
        ObjectNode root = StrictJson.parseObject(json, MAX_BYTES, WHAT);
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isArray()) {
            throw new WireFormatException(WHAT + " field 'entries' must be an array");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new WireFormatException(WHAT + " has more than " + MAX_ENTRIES + " entries");
        }
        List<InboxEntry> out = new ArrayList<>();
        for (JsonNode item : entries) {
            ObjectNode e = StrictJson.object(item, "entries", WHAT);
            try {
                out.add(new InboxEntry(StrictJson.nonNegativeLong(e, "seq", WHAT), StrictJson.text(e, "kind", WHAT),
                        StrictJson.text(e, "id", WHAT), StrictJson.text(e, "title", WHAT), StrictJson.instant(e, "createdAt", WHAT)));
            } catch (IllegalArgumentException | NullPointerException ex) {
                throw new WireFormatException(WHAT + ": " + ex.getMessage());
            }
        }
        return List.copyOf(out);
    }
}
