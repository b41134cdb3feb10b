package org.treatyexchange.server.reporting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The list of national points of contact the secretariat maintains (ATT Article 13.1), visible to
 * States Parties only: as a human-readable text document and as JSON. Pure functions: the same input
 * gives the same bytes; States are sorted by code whatever the input order, each State's contacts keep
 * their order.
 *
 * <p>The text document, UTF-8, LF line endings, ending with a line feed:
 * <pre>
 * National points of contact
 * Restricted to States Parties. Not for publication.
 * Generated: 2026-11-23T03:16:11Z
 * States: 2, contacts: 1
 *
 * ARC  Republic of Arcadia
 *   1. Dr. Helena Marsh
 *      Title:     Director, Export Control Division
 *      Ministry:  Ministry of Foreign Affairs of Arcadia
 *      E-mail:    export-control@mfa.arcadia.example
 *      Phone:     +999 20 555 0101
 *      Address:   1 Treaty Square
 *                 Arcadia City
 *
 * BOR  Kingdom of Borealia
 *   (no points of contact on record)
 * </pre>
 * Empty optional fields are left out. Each non-blank address line (split at LF) is its own indented line; every
 * other value is put on one line with control, line-separator and bidirectional-override characters
 * shown as U+FFFD, so no value can start a line of its own or pose as another State's entry.
 */
public final class ContactList {

    static final String TITLE = "National points of contact";
    static final String MARKING = "Restricted to States Parties. Not for publication.";
    private static final String LABEL_INDENT = "     ";
    private static final int LABEL_WIDTH = 11;

    private ContactList() {
    }

    /**
     * The text document.
     *
     * @throws IllegalArgumentException when a State code appears twice
     */
    public static byte[] render(List<StateContacts> states, Instant generatedAt) {
        Objects.requireNonNull(generatedAt, "generatedAt");
        List<StateContacts> sorted = sorted(states);
        int contacts = sorted.stream().mapToInt(s -> s.contacts().size()).sum();
        StringBuilder out = new StringBuilder();
        out.append(TITLE).append('\n');
        out.append(MARKING).append('\n');
        out.append("Generated: ").append(generatedAt).append('\n');
        out.append("States: ").append(sorted.size()).append(", contacts: ").append(contacts).append('\n');
        for (StateContacts s : sorted) {
            out.append('\n').append(Text.oneLine(s.code())).append("  ").append(Text.oneLine(s.name())).append('\n');
            if (s.contacts().isEmpty()) {
                out.append("  (no points of contact on record)\n");
            }
            int n = 0;
            for (Contact c : s.contacts()) {
                out.append("  ").append(++n).append(". ").append(Text.oneLine(c.name())).append('\n');
                field(out, "Title:", c.title());
                field(out, "Ministry:", c.ministry());
                field(out, "E-mail:", c.email());
                field(out, "Phone:", c.phone());
                String label = "Address:";
                for (String line : c.address().split("\n")) {
                    if (!line.isBlank()) {
                        field(out, label, line.strip());
                        label = "";
                    }
                }
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder out, String label, String value) {
        if (value.isEmpty()) {
            return;
        }
        String line = LABEL_INDENT + Text.pad(label, LABEL_WIDTH) + Text.oneLine(value);
        out.append(line.stripTrailing()).append('\n');
    }

    /**
     * The JSON document, UTF-8 without insignificant white space, fields in this order:
     * {@code {"version":1,"generatedAt":"<ISO instant>","states":[{"code","name","contacts":[{"name",
     * "title","ministry","email","phone","address"}]}]}}; empty optional contact fields are left out, so
     * a contact has the shape of the SDK's {@code PointsOfContactJson} contact. Values are written as
     * given (JSON escaping keeps them inert).
     *
     * @throws IllegalArgumentException when a State code appears twice
     */
    public static byte[] renderJson(List<StateContacts> states, Instant generatedAt) {
        Objects.requireNonNull(generatedAt, "generatedAt");
        ObjectNode root = Text.JSON.createObjectNode();
        root.put("version", 1);
        root.put("generatedAt", generatedAt.toString());
        ArrayNode array = root.putArray("states");
        for (StateContacts s : sorted(states)) {
            ObjectNode o = array.addObject();
            o.put("code", s.code());
            o.put("name", s.name());
            ArrayNode cs = o.putArray("contacts");
            for (Contact c : s.contacts()) {
                ObjectNode co = cs.addObject();
                co.put("name", c.name());
                putIfPresent(co, "title", c.title());
                putIfPresent(co, "ministry", c.ministry());
                co.put("email", c.email());
                putIfPresent(co, "phone", c.phone());
                putIfPresent(co, "address", c.address());
            }
        }
        return Text.write(root).getBytes(StandardCharsets.UTF_8);
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (!value.isEmpty()) {
            n.put(field, value);
        }
    }

    private static List<StateContacts> sorted(List<StateContacts> states) {
        List<StateContacts> out = new ArrayList<>(states);
        Set<String> seen = new HashSet<>();
        for (StateContacts s : out) {
            Objects.requireNonNull(s, "states must not contain null");
            if (!seen.add(s.code())) {
                throw new IllegalArgumentException("State " + Text.oneLine(s.code()) + " is listed twice");
            }
        }
        out.sort(Comparator.comparing(StateContacts::code));
        return out;
    }
}
