package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one definition of the points-of-contact document's JSON form (version 1).
 *
 * <p>Writing is canonical: UTF-8, no insignificant white space, fields in the order {@code version,
 * state, asOf, contacts}; {@code asOf} as {@code yyyy-MM-dd}; each contact {@code name, title, ministry,
 * email, phone, address} in that order, optional fields left out when null:
 * <pre>{@code
 * {"version":1,"state":"ARC","asOf":"2026-11-23","contacts":[{"name":"Dr. Helena Marsh",
 *  "title":"Director","email":"export-control@mfa.arcadia.example","phone":"+999 20 555 0101"}]}
 * }</pre>
 *
 * <p>Reading is strict, as for {@link EnvelopeJson}: at most {@value PointsOfContact#MAX_BYTES} bytes,
 * checked before parsing; valid UTF-8; one object with no duplicate or unknown keys (at either level);
 * nesting, string and number lengths bounded; absent, null and empty optional fields mean the same;
 * every rule of {@link PointsOfContact} and {@link PointsOfContact.Contact}, with contact fields named
 * {@code contacts[i].field}. Readers need not receive canonical bytes.
 */
public final class PointsOfContactJson {

    private static final String WHAT = "points of contact";
    private static final Set<String> FIELDS = Set.of("version", "state", "asOf", "contacts");
    private static final Set<String> CONTACT_FIELDS = Set.of("name", "title", "ministry", "email", "phone", "address");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    private PointsOfContactJson() {
    }

    /** The canonical bytes of {@code p}. */
    public static byte[] toBytes(PointsOfContact p) {
        return write(p.version(), p.state(), p.asOf(), p.contacts());
    }

    /** The canonical bytes of the components; the record's constructor uses it for its size limit. */
    static byte[] write(int version, String state, LocalDate asOf, List<PointsOfContact.Contact> contacts) {
        ObjectNode n = StrictJson.WRITER.createObjectNode();
        n.put("version", version);
        n.put("state", state);
        n.put("asOf", asOf.toString());
        ArrayNode a = n.putArray("contacts");
        for (PointsOfContact.Contact c : contacts) {
            ObjectNode o = a.addObject();
            o.put("name", c.name());
            putIfPresent(o, "title", c.title());
            putIfPresent(o, "ministry", c.ministry());
            o.put("email", c.email());
            putIfPresent(o, "phone", c.phone());
            putIfPresent(o, "address", c.address());
        }
        return StrictJson.write(n);
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    /**
     * Reads and validates a points-of-contact document.
     *
     * @throws WireFormatException with a safe message naming the field and rule, never a value
     */
    public static PointsOfContact fromBytes(byte[] json) throws WireFormatException {
        ObjectNode n = StrictJson.parseObject(json, PointsOfContact.MAX_BYTES, WHAT);
        StrictJson.version(n, PointsOfContact.CURRENT_VERSION, WHAT);
        StrictJson.refuseUnknown(n, FIELDS, WHAT);
        String state = StrictJson.text(n, "state", WHAT);
        LocalDate asOf = date(n, "asOf");
        JsonNode array = n.get("contacts");
        if (array == null || array.isNull()) {
            throw new WireFormatException(WHAT + " field 'contacts' is missing");
        }
        List<PointsOfContact.Contact> contacts = new ArrayList<>();
        for (JsonNode item : StrictJson.optionalArray(n, "contacts", PointsOfContact.MAX_CONTACTS, WHAT)) {
            contacts.add(contact(StrictJson.object(item, "contacts", WHAT), contacts.size()));
        }
        try {
            return new PointsOfContact(PointsOfContact.CURRENT_VERSION, state, asOf, contacts);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(WHAT + ": " + e.getMessage());
        }
    }

    private static PointsOfContact.Contact contact(ObjectNode c, int index) throws WireFormatException {
        String what = WHAT + " contact";
        StrictJson.refuseUnknown(c, CONTACT_FIELDS, what);
        String name = StrictJson.optionalText(c, "name", what);
        String title = emptyToNull(StrictJson.optionalText(c, "title", what));
        String ministry = emptyToNull(StrictJson.optionalText(c, "ministry", what));
        String email = StrictJson.optionalText(c, "email", what);
        String phone = emptyToNull(StrictJson.optionalText(c, "phone", what));
        String address = emptyToNull(StrictJson.optionalText(c, "address", what));
        try {
            // Checked here first so that the message names the contact's place in the list.
            PointsOfContact.check("contacts[" + index + "]", name, title, ministry, email, phone, address);
            return new PointsOfContact.Contact(name, title, ministry, email, phone, address);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(WHAT + ": " + e.getMessage());
        }
    }

    private static String emptyToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    private static LocalDate date(ObjectNode n, String field) throws WireFormatException {
        String v = StrictJson.text(n, field, WHAT);
        String message = WHAT + " field '" + field + "' must be an ISO-8601 date like 2026-11-23";
        if (!DATE.matcher(v).matches()) {
            throw new WireFormatException(message);
        }
        try {
            return LocalDate.parse(v); // ISO_LOCAL_DATE resolves strictly: 2026-02-30 is refused
        } catch (DateTimeParseException e) {
            throw new WireFormatException(message);
        }
    }
}
