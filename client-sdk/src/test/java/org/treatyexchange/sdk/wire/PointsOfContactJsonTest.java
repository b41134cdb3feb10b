package org.treatyexchange.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PointsOfContactJsonTest {

    private static final ObjectMapper M = new ObjectMapper();
    static final LocalDate AS_OF = LocalDate.parse("2026-11-23");

    static PointsOfContact.Contact marsh() {
        return new PointsOfContact.Contact("Dr. Helena Marsh", "Director, Export Control Division",
                "Ministry of Foreign Affairs of Arcadia", "export-control@mfa.arcadia.example", "+999 20 555 0101",
                "1 Treaty Square\nArcadia City\nArcadia");
    }

    static PointsOfContact sample() {
        return PointsOfContact.of("ARC", AS_OF, List.of(marsh(),
                new PointsOfContact.Contact("Ms. Zoë Ortega", null, null, "z.ortega@mod.arcadia.example", null, null)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsEveryFieldAndTheMinimalContact() throws Exception {
        PointsOfContact p = sample();
        assertThat(PointsOfContactJson.fromBytes(PointsOfContactJson.toBytes(p))).isEqualTo(p);
        assertThat(p.contacts().get(1).title()).isNull();
        assertThat(PointsOfContact.REPORT_TYPE).isEqualTo("points-of-contact");
        assertThat(PointsOfContact.FILE_NAME).isEqualTo("points-of-contact.json");
        assertThat(PointsOfContact.MEDIA_TYPE).isEqualTo("application/json");
    }

    @Test
    void canonicalBytesAreExactAndStable() {
        String json = new String(PointsOfContactJson.toBytes(sample()), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"version\":1,\"state\":\"ARC\",\"asOf\":\"2026-11-23\",\"contacts\":["
                + "{\"name\":\"Dr. Helena Marsh\",\"title\":\"Director, Export Control Division\","
                + "\"ministry\":\"Ministry of Foreign Affairs of Arcadia\",\"email\":\"export-control@mfa.arcadia.example\","
                + "\"phone\":\"+999 20 555 0101\",\"address\":\"1 Treaty Square\\nArcadia City\\nArcadia\"},"
                + "{\"name\":\"Ms. Zoë Ortega\",\"email\":\"z.ortega@mod.arcadia.example\"}]}");
        assertThat(PointsOfContactJson.toBytes(sample())).isEqualTo(PointsOfContactJson.toBytes(sample()));
    }

    @Test
    void readsNonCanonicalInputAndTreatsAbsentNullAndEmptyOptionalFieldsAlike() throws Exception {
        String json = "{ \"contacts\" : [ {\"email\":\"z.ortega@mod.arcadia.example\",\"name\":\"Ms. Zoë Ortega\","
                + "\"title\":null,\"ministry\":\"\",\"phone\":\"\",\"address\":null} ],\n \"asOf\":\"2026-11-23\","
                + "\"state\":\"ARC\",\"version\":1 }";
        PointsOfContact p = PointsOfContactJson.fromBytes(utf8(json));
        assertThat(p.contacts()).containsExactly(sample().contacts().get(1));
        assertThat(new PointsOfContact.Contact("A", "", "", "a@b.example", "", "").title()).isNull();
    }

    static ObjectNode tree() throws Exception {
        return (ObjectNode) M.readTree(PointsOfContactJson.toBytes(sample()));
    }

    static ObjectNode contact0(ObjectNode root) {
        return (ObjectNode) root.get("contacts").get(0);
    }

    static Arguments c(String message, Consumer<ObjectNode> edit) {
        return Arguments.of(message, edit);
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                c("points of contact field 'version' is missing", n -> n.remove("version")),
                c("points of contact field 'version' must be an integer", n -> n.put("version", "1")),
                c("unsupported points of contact version 2", n -> n.put("version", 2)),
                c("points of contact has an unknown field", n -> n.put("phone", "+1 555 0100")),
                c("points of contact contact has an unknown field", n -> contact0(n).put("fax", "+1 555 0100")),
                c("points of contact field 'state' is missing", n -> n.remove("state")),
                c("points of contact field 'state' must be a string", n -> n.put("state", 7)),
                c("points of contact: state must be an ISO 3166 alpha-3 code in upper case", n -> n.put("state", "arc")),
                c("points of contact field 'asOf' is missing", n -> n.remove("asOf")),
                c("points of contact field 'asOf' must be an ISO-8601 date like 2026-11-23", n -> n.put("asOf", "23.11.2026")),
                c("points of contact field 'asOf' must be an ISO-8601 date like 2026-11-23", n -> n.put("asOf", "2026-02-30")),
                c("points of contact field 'asOf' must be an ISO-8601 date like 2026-11-23", n -> n.put("asOf", "2026-11-23T00:00:00Z")),
                c("points of contact field 'contacts' is missing", n -> n.remove("contacts")),
                c("points of contact field 'contacts' must be an array", n -> n.put("contacts", "none")),
                c("points of contact field 'contacts' must contain only objects", n -> ((ArrayNode) n.get("contacts")).add("x")),
                c("points of contact: contacts must have 1 to 20 entries", n -> n.putArray("contacts")),
                c("points of contact field 'contacts' must have at most 20 entries", n -> {
                    ArrayNode a = n.putArray("contacts");
                    for (int i = 0; i < 21; i++) {
                        a.addObject().put("name", "N" + i).put("email", "n" + i + "@x.example");
                    }
                }),
                c("points of contact contact field 'name' must be a string", n -> contact0(n).put("name", 1)),
                c("points of contact: contacts[0].name is required", n -> contact0(n).remove("name")),
                c("points of contact: contacts[0].name must be 1 to 200 characters", n -> contact0(n).put("name", "")),
                c("points of contact: contacts[0].name must be 1 to 200 characters", n -> contact0(n).put("name", "x".repeat(201))),
                c("points of contact: contacts[0].name must not be blank", n -> contact0(n).put("name", "   ")),
                c("points of contact: contacts[0].name must not contain control characters", n -> contact0(n).put("name", "A\nB")),
                c("points of contact: contacts[0].name must not contain control characters", n -> contact0(n).put("name", "A\u202eB")),
                c("points of contact: contacts[0].name must not contain control characters", n -> contact0(n).put("name", "A\u0085B")),
                c("points of contact: contacts[0].title must be at most 500 characters", n -> contact0(n).put("title", "t".repeat(501))),
                c("points of contact: contacts[0].title must not contain control characters", n -> contact0(n).put("title", "a\tb")),
                c("points of contact: contacts[0].ministry must be at most 500 characters", n -> contact0(n).put("ministry", "m".repeat(501))),
                c("points of contact: contacts[0].ministry must not contain control characters", n -> contact0(n).put("ministry", "a\u2066b")),
                c("points of contact: contacts[0].address must be at most 500 characters", n -> contact0(n).put("address", "a".repeat(501))),
                c("points of contact: contacts[0].address must not contain control characters other than line feed",
                        n -> contact0(n).put("address", "1 Square\r\nCity")),
                c("points of contact: contacts[0].email is required", n -> contact0(n).remove("email")),
                c("points of contact: contacts[0].email is required", n -> contact0(n).putNull("email")),
                c("points of contact: contacts[0].email must be at most 254 characters",
                        n -> contact0(n).put("email", "a@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(61))),
                c("points of contact: contacts[1].email must be an e-mail address like name@ministry.example",
                        n -> ((ObjectNode) n.get("contacts").get(1)).put("email", "no-at-sign.example")),
                c("points of contact: contacts[0].phone must be 5 to 32 characters of digits, spaces and ( ) - . after an optional leading +",
                        n -> contact0(n).put("phone", "+1 555 0100 ext 7")),
                c("points of contact: contacts[0].phone must have at least 5 digits", n -> contact0(n).put("phone", "+(12) 3-4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void refusesEachBrokenRuleWithAnExactSafeMessage(String message, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode n = tree();
        edit.accept(n);
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(M.writeValueAsBytes(n)))
                .isInstanceOf(WireFormatException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @MethodSource("badEmails")
    void refusesWhatIsNotAnAddrSpec(String email) {
        assertThatThrownBy(() -> new PointsOfContact.Contact("A", null, null, email, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contact.email must be an e-mail address like name@ministry.example");
    }

    static Stream<String> badEmails() {
        return Stream.of("", "@x.example", "a@", "a@localhost", "a..b@x.example", ".a@x.example", "a.@x.example",
                "a b@x.example", "a@-x.example", "a@x-.example", "a@x..example", "a@x.example.", "a@@x.example",
                "\"quoted\"@x.example", "a@[192.0.2.1]", "é@x.example", "a@bücher.example", "x".repeat(65) + "@x.example",
                "a@" + "b".repeat(64) + ".example", "a\n@x.example");
    }

    @Test
    void acceptsRealisticAddressesAndPhoneNumbers() {
        for (String email : List.of("export-control@mfa.arcadia.example", "O'Brien+poc@Trade.GOV.example",
                "a!#$%&'*+/=?^_`{|}~-z@x.example", "x".repeat(64) + "@xn--bcher-kva.example", "a@b.c")) {
            assertThat(new PointsOfContact.Contact("A", null, null, email, null, null).email()).isEqualTo(email);
        }
        for (String phone : List.of("+999 20 555 0101", "(0607) 123 4567", "+41.22.555.01.00", "12345",
                "+" + "1".repeat(31))) {
            assertThat(new PointsOfContact.Contact("A", null, null, "a@b.example", phone, null).phone()).isEqualTo(phone);
        }
        for (String phone : List.of("1234", "+" + "1".repeat(32), "555 0100+", "tel:+41225550100", "+41,22 555 0100")) {
            assertThatThrownBy(() -> new PointsOfContact.Contact("A", null, null, "a@b.example", phone, null))
                    .hasMessageStartingWith("contact.phone must be");
        }
    }

    @Test
    void acceptsTheLimitsExactly() throws Exception {
        var c = new PointsOfContact.Contact("n".repeat(200), "t".repeat(500), "m".repeat(500),
                "a@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(60),
                "+" + "1".repeat(31), "line\n".repeat(99) + "last.");
        assertThat(c.email()).hasSize(254);
        assertThat(c.address().codePointCount(0, c.address().length())).isEqualTo(500);
        PointsOfContact p = PointsOfContact.of("ZED", LocalDate.of(9999, 12, 31), Collections.nCopies(20, c));
        assertThat(PointsOfContactJson.fromBytes(PointsOfContactJson.toBytes(p))).isEqualTo(p);
        // 200 astral-plane characters count as 200 characters, not 400 UTF-16 units.
        assertThat(new PointsOfContact.Contact("\uD83D\uDE00".repeat(200), null, null, "a@b.example", null, null).name())
                .hasSize(400);
    }

    @Test
    void constructionEnforcesTheSameRulesSoEveryInstanceCanBeWrittenAndReadBack() {
        var ok = marsh();
        assertThatThrownBy(() -> PointsOfContact.of("ARC", AS_OF, List.of())).hasMessage("contacts must have 1 to 20 entries");
        assertThatThrownBy(() -> PointsOfContact.of("ARC", AS_OF, null)).hasMessage("contacts must have 1 to 20 entries");
        assertThatThrownBy(() -> PointsOfContact.of("ARC", AS_OF, Collections.nCopies(21, ok)))
                .hasMessage("contacts must have 1 to 20 entries");
        List<PointsOfContact.Contact> withNull = new ArrayList<>(List.of(ok));
        withNull.add(null);
        assertThatThrownBy(() -> PointsOfContact.of("ARC", AS_OF, withNull)).hasMessage("contacts must not contain null");
        assertThatThrownBy(() -> PointsOfContact.of("ARC", null, List.of(ok))).hasMessage("asOf is required");
        assertThatThrownBy(() -> PointsOfContact.of("ARC", LocalDate.of(10000, 1, 1), List.of(ok)))
                .hasMessage("asOf must be a date from 0001-01-01 to 9999-12-31");
        assertThatThrownBy(() -> PointsOfContact.of("AR", AS_OF, List.of(ok)))
                .hasMessage("state must be an ISO 3166 alpha-3 code in upper case");
        assertThatThrownBy(() -> new PointsOfContact(2, "ARC", AS_OF, List.of(ok)))
                .hasMessage("points of contact version must be 1");
        // 20 contacts whose every text is 500 three-byte characters: valid one by one, too big together.
        var big = new PointsOfContact.Contact("名".repeat(200), "名".repeat(500), "名".repeat(500), "a@b.example", null,
                "名".repeat(500));
        assertThatThrownBy(() -> PointsOfContact.of("ARC", AS_OF, Collections.nCopies(20, big)))
                .hasMessage("points of contact must be at most 65536 bytes as JSON");
        // The caller's list is copied.
        List<PointsOfContact.Contact> mine = new ArrayList<>(List.of(ok));
        PointsOfContact p = PointsOfContact.of("ARC", AS_OF, mine);
        mine.clear();
        assertThat(p.contacts()).hasSize(1);
    }

    @Test
    void refusesOversizedMalformedAndTrickyInputBeforeLookingAtFields() {
        byte[] huge = new byte[PointsOfContact.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(huge)).hasMessage("points of contact exceeds 65536 bytes");
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(null)).hasMessage("points of contact is missing");
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(new byte[] {'{', (byte) 0xC3, '}'}))
                .hasMessage("points of contact is not valid UTF-8");
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(utf8("[]"))).hasMessage("points of contact is not a JSON object");
        String canonical = new String(PointsOfContactJson.toBytes(sample()), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(utf8(canonical.replace("{\"version\":1,", "{\"version\":1,\"version\":1,"))))
                .hasMessage("points of contact is not valid JSON or exceeds a nesting, string or number limit");
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(utf8(canonical + "{}"))).isInstanceOf(WireFormatException.class);
        // A refused value never appears in the message.
        String secret = "<script>alert(1)</script>";
        assertThatThrownBy(() -> PointsOfContactJson.fromBytes(utf8(canonical.replace("+999 20 555 0101", secret))))
                .isInstanceOf(WireFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("script"));
    }
}
