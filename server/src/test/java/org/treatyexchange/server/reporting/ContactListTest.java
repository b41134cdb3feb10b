package org.treatyexchange.server.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.wire.PointsOfContact;
import org.treatyexchange.sdk.wire.PointsOfContactJson;

class ContactListTest {

    static final Instant AT = Instant.parse("2026-11-23T03:16:11Z");

    static final Contact MARSH = new Contact("Dr. Helena Marsh", "Director, Export Control Division",
            "Ministry of Foreign Affairs of Arcadia", "export-control@mfa.arcadia.example", "+999 20 555 0101",
            "1 Treaty Square\nArcadia City\n\nArcadia\n");
    static final Contact HOLM = new Contact("Mr. Anders Holm", "", null, "holm@trade.borealia.example", "", "");
    static final Contact ORTEGA = new Contact("Ms. Zoë Ortega", "Deputy Director", "", "z.ortega@mod.arcadia.example",
            null, null);

    static List<StateContacts> population() {
        return List.of(
                new StateContacts("BOR", "Kingdom of Borealia", List.of(HOLM)),
                new StateContacts("CAS", "Castellan Republic", List.of()),
                new StateContacts("ARC", "Republic of Arcadia", List.of(MARSH, ORTEGA)));
    }

    static String text(List<StateContacts> states) {
        return new String(ContactList.render(states, AT), StandardCharsets.UTF_8);
    }

    @Test
    void rendersTheExactDocumentWithStatesSortedByCodeAndContactsInTheirOwnOrder() {
        assertThat(text(population())).isEqualTo("""
                National points of contact
                Restricted to States Parties. Not for publication.
                Generated: 2026-11-23T03:16:11Z
                States: 3, contacts: 3

                ARC  Republic of Arcadia
                  1. Dr. Helena Marsh
                     Title:     Director, Export Control Division
                     Ministry:  Ministry of Foreign Affairs of Arcadia
                     E-mail:    export-control@mfa.arcadia.example
                     Phone:     +999 20 555 0101
                     Address:   1 Treaty Square
                                Arcadia City
                                Arcadia
                  2. Ms. Zoë Ortega
                     Title:     Deputy Director
                     E-mail:    z.ortega@mod.arcadia.example

                BOR  Kingdom of Borealia
                  1. Mr. Anders Holm
                     E-mail:    holm@trade.borealia.example

                CAS  Castellan Republic
                  (no points of contact on record)
                """);
    }

    @Test
    void isDeterministicWhateverTheInputOrderAndContainsEveryContact() {
        Random random = new Random(42);
        List<StateContacts> states = new ArrayList<>();
        for (int s = 0; s < 26; s++) {
            String code = "" + (char) ('A' + s) + (char) ('Z' - s) + 'Q';
            List<Contact> contacts = new ArrayList<>();
            for (int c = 0; c < 1 + random.nextInt(4); c++) {
                contacts.add(new Contact("Officer " + code + c, "", "Ministry " + code, "poc" + c + "@" + code.toLowerCase() + ".example",
                        "+999 " + s + " 555 010" + c, ""));
            }
            states.add(new StateContacts(code, "State " + code, contacts));
        }
        byte[] once = ContactList.render(states, AT);
        List<StateContacts> shuffled = new ArrayList<>(states);
        Collections.shuffle(shuffled, random);
        assertThat(ContactList.render(shuffled, AT)).isEqualTo(once);
        assertThat(ContactList.renderJson(shuffled, AT)).isEqualTo(ContactList.renderJson(states, AT));

        String doc = new String(once, StandardCharsets.UTF_8);
        int previous = -1;
        for (StateContacts s : states) { // generated in code order
            int at = doc.indexOf("\n" + s.code() + "  " + s.name() + "\n");
            assertThat(at).isGreaterThan(previous);
            previous = at;
            for (Contact c : s.contacts()) {
                assertThat(doc).contains(c.name(), c.email(), c.phone(), c.ministry());
            }
        }
        int total = states.stream().mapToInt(s -> s.contacts().size()).sum();
        assertThat(doc).contains("States: 26, contacts: " + total + "\n");
        assertThat(doc.lines().filter(l -> l.startsWith("     E-mail:")).count()).isEqualTo(total);
    }

    @Test
    void aValueCannotAddALineOrPoseAsAnotherStatesEntry() {
        Contact forged = new Contact("Eve\n\nBOR  Kingdom of Borealia\n  1. Mallory\u2028\u202eevil", "t\r\n", "m\u0085",
                "eve@arc.example", "", "1 Road\r\nTown\u0000");
        String doc = text(List.of(new StateContacts("ARC", "Republic of Arcadia", List.of(forged)),
                new StateContacts("BOR", "Kingdom of Borealia", List.of(HOLM))));
        assertThat(doc.lines().filter(l -> l.startsWith("BOR"))).containsExactly("BOR  Kingdom of Borealia");
        assertThat(doc.lines().filter(l -> l.startsWith("  1."))).hasSize(2);
        assertThat(doc).contains("  1. Eve\uFFFD\uFFFDBOR  Kingdom of Borealia\uFFFD  1. Mallory\uFFFD\uFFFDevil\n")
                .contains("Title:     t\uFFFD\uFFFD\n", "Ministry:  m\uFFFD\n", "Address:   1 Road\n", "           Town\uFFFD\n")
                .doesNotContain("\r", "\u0000", "\u2028", "\u202e", "\u0085");
    }

    @Test
    void theJsonFormHasAFixedFieldOrderAndTheSdkContactShape() throws Exception {
        String json = new String(ContactList.renderJson(population(), AT), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"version\":1,\"generatedAt\":\"2026-11-23T03:16:11Z\",\"states\":["
                + "{\"code\":\"ARC\",\"name\":\"Republic of Arcadia\",\"contacts\":["
                + "{\"name\":\"Dr. Helena Marsh\",\"title\":\"Director, Export Control Division\","
                + "\"ministry\":\"Ministry of Foreign Affairs of Arcadia\",\"email\":\"export-control@mfa.arcadia.example\","
                + "\"phone\":\"+999 20 555 0101\",\"address\":\"1 Treaty Square\\nArcadia City\\n\\nArcadia\\n\"},"
                + "{\"name\":\"Ms. Zoë Ortega\",\"title\":\"Deputy Director\",\"email\":\"z.ortega@mod.arcadia.example\"}]},"
                + "{\"code\":\"BOR\",\"name\":\"Kingdom of Borealia\",\"contacts\":["
                + "{\"name\":\"Mr. Anders Holm\",\"email\":\"holm@trade.borealia.example\"}]},"
                + "{\"code\":\"CAS\",\"name\":\"Castellan Republic\",\"contacts\":[]}]}");
        // A State's contacts array reads back through the SDK's strict points-of-contact reader.
        String arcContacts = json.substring(json.indexOf("\"contacts\":[") + 11, json.indexOf("]},{\"code\":\"BOR\"") + 1);
        PointsOfContact p = PointsOfContactJson.fromBytes(("{\"version\":1,\"state\":\"ARC\",\"asOf\":\"2026-11-23\","
                + "\"contacts\":" + arcContacts + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(p.contacts()).extracting(PointsOfContact.Contact::email)
                .containsExactly(MARSH.email(), ORTEGA.email());
    }

    @Test
    void refusesAStateListedTwice() {
        List<StateContacts> twice = List.of(new StateContacts("ARC", "Arcadia", List.of()),
                new StateContacts("ARC", "Arcadia again", List.of(HOLM)));
        assertThatThrownBy(() -> ContactList.render(twice, AT)).hasMessage("State ARC is listed twice");
        assertThatThrownBy(() -> ContactList.renderJson(twice, AT)).hasMessage("State ARC is listed twice");
    }

    @Test
    void optionalContactFieldsBecomeEmptyAndInputListsAreCopied() {
        assertThat(new Contact("A", null, null, "a@b.example", null, null))
                .isEqualTo(new Contact("A", "", "", "a@b.example", "", ""));
        assertThatThrownBy(() -> new Contact("A", "", "", null, "", "")).isInstanceOf(NullPointerException.class);
        List<Contact> mine = new ArrayList<>(List.of(HOLM));
        StateContacts s = new StateContacts("BOR", "Borealia", mine);
        mine.clear();
        assertThat(s.contacts()).containsExactly(HOLM);
    }
}
