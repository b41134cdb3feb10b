package org.treatyexchange.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvelopeJsonTest {

    private static final ObjectMapper M = new ObjectMapper();
    static final String SHA = "ab".repeat(32);
    static final Instant CREATED = Instant.parse("2026-11-23T03:16:11.042Z");

    static Envelope filing() {
        return Envelope.builder()
                .messageId("ARC-2026-0001").type(MessageType.FILING).state("ARC").createdAt(CREATED)
                .level(ConfidentialityLevel.NAMED).namedStates("ZED", "BOR", "BOR")
                .reportType("annual-report").period("2025").title("Annual report 2025 — exports").withheld(true)
                .document("rapport é.pdf", 42, SHA, "application/pdf")
                .document("annex.csv", 0, "cd".repeat(32), "text/csv")
                .build();
    }

    static Envelope secretariatMessage() {
        return Envelope.builder().messageId("SEC:42").type(MessageType.SECRETARIAT_MESSAGE).createdAt(CREATED)
                .title("Reminder").recipients("ZED", "ARC", "ZED").body("Dear colleagues,\n\tplease file.").build();
    }

    @Test
    void roundTripsEveryTypeAndEveryField() throws Exception {
        Envelope correspondence = Envelope.builder().messageId("c.1").type(MessageType.CORRESPONDENCE).state("BOR")
                .createdAt(CREATED).title("Question").body("Hello").reportType("initial-report").build();
        for (Envelope e : List.of(filing(), secretariatMessage(), correspondence)) {
            assertThat(EnvelopeJson.fromBytes(EnvelopeJson.toBytes(e))).isEqualTo(e);
        }
        assertThat(filing().namedStates()).containsExactly("BOR", "ZED");
        assertThat(secretariatMessage().recipients()).containsExactly("ZED", "ARC");
        assertThat(correspondence.level()).isEqualTo(ConfidentialityLevel.SECRETARIAT);
    }

    @Test
    void canonicalBytesAreExactAndStable() {
        String json = new String(EnvelopeJson.toBytes(filing()), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"version\":1,\"messageId\":\"ARC-2026-0001\",\"type\":\"filing\",\"state\":\"ARC\","
                + "\"createdAt\":\"2026-11-23T03:16:11.042Z\",\"level\":\"named\",\"namedStates\":[\"BOR\",\"ZED\"],"
                + "\"reportType\":\"annual-report\",\"period\":\"2025\",\"title\":\"Annual report 2025 — exports\","
                + "\"withheld\":true,\"documents\":[{\"name\":\"rapport é.pdf\",\"size\":42,\"sha256\":\"" + SHA + "\","
                + "\"mediaType\":\"application/pdf\"},{\"name\":\"annex.csv\",\"size\":0,\"sha256\":\"" + "cd".repeat(32) + "\","
                + "\"mediaType\":\"text/csv\"}]}");
        assertThat(EnvelopeJson.toBytes(filing())).isEqualTo(EnvelopeJson.toBytes(filing()));
        String sec = new String(EnvelopeJson.toBytes(secretariatMessage()), StandardCharsets.UTF_8);
        assertThat(sec).isEqualTo("{\"version\":1,\"messageId\":\"SEC:42\",\"type\":\"secretariat-message\","
                + "\"createdAt\":\"2026-11-23T03:16:11.042Z\",\"title\":\"Reminder\",\"withheld\":false,"
                + "\"recipients\":[\"ZED\",\"ARC\"],\"body\":\"Dear colleagues,\\n\\tplease file.\",\"documents\":[]}");
    }

    @Test
    void digestIsTheSha256OfTheCanonicalBytes() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(EnvelopeJson.toBytes(filing()));
        assertThat(filing().digest()).isEqualTo(HexFormat.of().formatHex(expected));
    }

    @Test
    void readerAcceptsNonCanonicalButValidInput() throws Exception {
        String json = "{ \"documents\": [], \"title\": \"t\", \"type\": \"correspondence\", \"version\": 1,"
                + " \"messageId\": \"m\", \"state\": \"ARC\", \"createdAt\": \"2026-01-01T00:00:00Z\","
                + " \"level\": null, \"period\": null, \"withheld\": null, \"body\": null, \"namedStates\": [] }";
        Envelope e = EnvelopeJson.fromBytes(json.getBytes(StandardCharsets.UTF_8));
        assertThat(e.level()).isEqualTo(ConfidentialityLevel.SECRETARIAT);
        assertThat(e.withheld()).isFalse();
        assertThat(EnvelopeJson.fromBytes("{\"version\":1,\"messageId\":\"m\",\"type\":\"correspondence\",\"state\":\"ARC\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"title\":\"t\"}"
                .getBytes(StandardCharsets.UTF_8)).documents()).isEmpty();
    }

    static Stream<Arguments> brokenFilings() {
        return Stream.of(
                rule(n -> n.put("version", 2), "unsupported envelope version 2"),
                rule(n -> n.put("version", "1"), "envelope field 'version' must be an integer"),
                rule(n -> n.put("version", 1.0), "envelope field 'version' must be an integer"),
                rule(n -> n.remove("version"), "envelope field 'version' is missing"),
                rule(n -> n.put("extra", 1), "envelope has an unknown field"),
                rule(n -> n.put("type", "memo"), "envelope field 'type' is not a known message type"),
                rule(n -> n.remove("messageId"), "envelope field 'messageId' is missing"),
                rule(n -> n.put("messageId", "a/b"), "envelope: messageId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -"),
                rule(n -> n.put("messageId", "x".repeat(129)), "envelope: messageId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -"),
                rule(n -> n.put("messageId", 7), "envelope field 'messageId' must be a string"),
                rule(n -> n.remove("state"), "envelope: state is required"),
                rule(n -> n.put("state", "arc"), "envelope: state must be an ISO 3166 alpha-3 code in upper case"),
                rule(n -> n.put("createdAt", "2026-11-23T03:16:11+01:00"), "envelope field 'createdAt' must be an ISO-8601 UTC instant ending in Z"),
                rule(n -> n.put("createdAt", "2026-13-23T03:16:11Z"), "envelope field 'createdAt' must be an ISO-8601 UTC instant ending in Z"),
                rule(n -> n.remove("level"), "envelope: namedStates is allowed only with level named"),
                rule(n -> n.put("level", "everyone"), "envelope field 'level' is not a known level"),
                rule(n -> n.remove("namedStates"), "envelope: namedStates is required with level named"),
                rule(n -> n.putArray("namedStates").add("ZED").add("BOR"), "envelope: namedStates must be sorted and without repeats"),
                rule(n -> n.putArray("namedStates").add("BOR").add("BOR"), "envelope: namedStates must be sorted and without repeats"),
                rule(n -> n.putArray("namedStates").add("bor"), "envelope: namedStates[0] must be an ISO 3166 alpha-3 code in upper case"),
                rule(n -> n.putArray("namedStates").add(1), "envelope field 'namedStates' must contain only strings"),
                rule(n -> n.put("level", "public"), "envelope: namedStates is allowed only with level named"),
                rule(n -> n.remove("reportType"), "envelope: reportType is required"),
                rule(n -> n.put("reportType", "Annual"), "envelope: reportType must be 1 to 40 characters of a-z 0-9 -"),
                rule(n -> n.put("period", "25"), "envelope: period must be a year (2025) or a range of years (2024-2025)"),
                rule(n -> n.put("period", "2025-2024"), "envelope: period must not end before it starts"),
                rule(n -> n.remove("title"), "envelope field 'title' is missing"),
                rule(n -> n.put("title", ""), "envelope: title must be 1 to 300 characters"),
                rule(n -> n.put("title", "é".repeat(301)), "envelope: title must be 1 to 300 characters"),
                rule(n -> n.put("title", "a\nb"), "envelope: title must not contain control characters"),
                rule(n -> n.put("title", "a\u0085b"), "envelope: title must not contain control characters"),
                rule(n -> n.put("title", "a\ud800b"), "envelope: title must not contain control characters"),
                rule(n -> n.put("withheld", "yes"), "envelope field 'withheld' must be true or false"),
                rule(n -> n.putArray("recipients").add("BOR"), "envelope: recipients is allowed only for a secretariat-message"),
                rule(n -> n.put("body", "hi"), "envelope: body is not allowed for a filing"),
                rule(n -> n.put("documents", "none"), "envelope field 'documents' must be an array"),
                rule(n -> n.withArray("documents").add(1), "envelope field 'documents' must contain only objects"),
                rule(n -> doc(n).put("extra", 1), "envelope document has an unknown field"),
                rule(n -> doc(n).remove("sha256"), "envelope document field 'sha256' is missing"),
                rule(n -> doc(n).put("sha256", SHA.toUpperCase()), "envelope: document sha256 must be 64 lower-case hex digits"),
                rule(n -> doc(n).put("size", -1), "envelope document field 'size' must be a non-negative integer"),
                rule(n -> doc(n).put("size", 1.5), "envelope document field 'size' must be a non-negative integer"),
                rule(n -> doc(n).put("mediaType", "application/pdf; q=1"), "envelope: document mediaType must be a media type type/subtype without parameters"),
                rule(n -> doc(n).put("mediaType", "pdf"), "envelope: document mediaType must be a media type type/subtype without parameters"),
                rule(n -> doc(n).put("name", "a/b"), "envelope: document name: the file name contains a path separator"),
                rule(n -> doc(n).put("name", "a\\b"), "envelope: document name: the file name contains a path separator"),
                rule(n -> doc(n).put("name", ".."), "envelope: document name: '.' and '..' are not file names"),
                rule(n -> doc(n).put("name", "."), "envelope: document name: '.' and '..' are not file names"),
                rule(n -> doc(n).put("name", ""), "envelope: document name: the file name is empty"),
                rule(n -> doc(n).put("name", "é".repeat(128)), "envelope: document name: the file name is longer than 255 bytes"),
                rule(n -> doc(n).put("name", "a\tb"), "envelope: document name: the file name contains a control character"),
                rule(n -> doc(n).put("name", "x\u202e.pdf"),
                        "envelope: document name: the file name contains an invisible or text-direction formatting character (U+202E)"),
                rule(n -> doc(n).put("name", "x.pdf\u00a0"), "envelope: document name: the file name starts or ends with white space"),
                rule(n -> doc(n).put("name", "e\u0301.pdf"), "envelope: document name must be in Unicode normalization form C"),
                rule(n -> doc(n).put("name", "annex.csv"), "envelope: documents must have distinct names"),
                rule(n -> { for (int i = 0; i < 63; i++) { n.withArray("documents").addObject().put("name", "d" + i).put("size", 1).put("sha256", SHA).put("mediaType", "a/b"); } },
                        "envelope field 'documents' must have at most 64 entries"));
    }

    private static ObjectNode doc(ObjectNode n) {
        return (ObjectNode) n.withArray("documents").get(0);
    }

    private static Arguments rule(Consumer<ObjectNode> mutation, String message) {
        return Arguments.of(mutation, message);
    }

    @ParameterizedTest
    @MethodSource("brokenFilings")
    void everyRuleIsCheckedWithAnExactMessage(Consumer<ObjectNode> mutation, String message) throws Exception {
        ObjectNode n = (ObjectNode) M.readTree(EnvelopeJson.toBytes(filing()));
        mutation.accept(n);
        byte[] bytes = M.writeValueAsBytes(n);
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(bytes)).isInstanceOf(WireFormatException.class).hasMessage(message);
    }

    static Stream<Arguments> brokenSecretariatMessages() {
        return Stream.of(
                rule(n -> n.put("state", "ARC"), "envelope: state must be absent for a secretariat-message"),
                rule(n -> n.put("level", "public"), "envelope: level must be absent for a secretariat-message"),
                rule(n -> n.put("reportType", "annual-report"), "envelope: reportType must be absent for a secretariat-message"),
                rule(n -> n.put("withheld", true), "envelope: withheld may be true only for a filing"),
                rule(n -> n.remove("recipients"), "envelope: recipients must not be empty"),
                rule(n -> n.putArray("recipients"), "envelope: recipients must not be empty"),
                rule(n -> n.putArray("recipients").add("ARC").add("ARC"), "envelope: recipients must not repeat a State"),
                rule(n -> n.putArray("recipients").add("ARC").add("all-states-parties"),
                        "envelope: recipients must be exactly [\"all-states-parties\"] or a list of State codes"),
                rule(n -> n.putArray("recipients").add("all"), "envelope: recipients[0] must be an ISO 3166 alpha-3 code in upper case"),
                rule(n -> n.put("body", "x".repeat(32 * 1024 + 1)), "envelope: body must be at most 32768 bytes of UTF-8"),
                rule(n -> n.put("body", "a\u0000b"), "envelope: body must not contain control characters other than tab and line breaks"),
                rule(n -> n.put("period", "2025"), "envelope: period is allowed only with a reportType"));
    }

    @ParameterizedTest
    @MethodSource("brokenSecretariatMessages")
    void secretariatMessageRules(Consumer<ObjectNode> mutation, String message) throws Exception {
        ObjectNode n = (ObjectNode) M.readTree(EnvelopeJson.toBytes(secretariatMessage()));
        mutation.accept(n);
        byte[] bytes = M.writeValueAsBytes(n);
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(bytes)).isInstanceOf(WireFormatException.class).hasMessage(message);
    }

    static Envelope instruction() {
        return Envelope.builder().messageId("ARC-SI-1").type(MessageType.INSTRUCTION).state("ARC").createdAt(CREATED)
                .reportType("annual-report").level(ConfidentialityLevel.NAMED).namedStates("BOR").title("Our annual reports")
                .body("From now on to Borealia only.").build();
    }

    @Test
    void aFilingWithoutLevelLeavesItUnsaidAndRoundTrips() throws Exception {
        Envelope e = Envelope.builder().messageId("m").type(MessageType.FILING).state("ARC").createdAt(CREATED).title("t")
                .reportType("annual-report").build();
        assertThat(e.level()).isNull();
        assertThat(new String(EnvelopeJson.toBytes(e), StandardCharsets.UTF_8)).doesNotContain("level");
        assertThat(EnvelopeJson.fromBytes(EnvelopeJson.toBytes(e))).isEqualTo(e);
    }

    @Test
    void anInstructionSetsOrWithdrawsALevelAndRoundTrips() throws Exception {
        Envelope withdraw = Envelope.builder().messageId("ARC-SI-2").type(MessageType.INSTRUCTION).state("ARC").createdAt(CREATED)
                .reportType("annual-report").title("Back to the default").build();
        for (Envelope e : List.of(instruction(), withdraw)) {
            assertThat(EnvelopeJson.fromBytes(EnvelopeJson.toBytes(e))).isEqualTo(e);
        }
        assertThat(new String(EnvelopeJson.toBytes(instruction()), StandardCharsets.UTF_8)).contains("\"type\":\"instruction\"");
        assertThat(withdraw.level()).isNull();
    }

    static Stream<Arguments> brokenInstructions() {
        return Stream.of(
                rule(n -> n.remove("reportType"), "envelope: reportType is required"),
                rule(n -> n.put("period", "2025"), "envelope: period is not allowed for an instruction"),
                rule(n -> n.withArray("documents").addObject().put("name", "a.pdf").put("size", 1).put("sha256", SHA).put("mediaType", "a/b"),
                        "envelope: an instruction carries no documents"),
                rule(n -> n.put("withheld", true), "envelope: withheld may be true only for a filing"),
                rule(n -> n.putArray("recipients").add("BOR"), "envelope: recipients is allowed only for a secretariat-message"),
                rule(n -> n.remove("namedStates"), "envelope: namedStates is required with level named"),
                rule(n -> n.remove("state"), "envelope: state is required"));
    }

    @ParameterizedTest
    @MethodSource("brokenInstructions")
    void instructionRules(Consumer<ObjectNode> mutation, String message) throws Exception {
        ObjectNode n = (ObjectNode) M.readTree(EnvelopeJson.toBytes(instruction()));
        mutation.accept(n);
        byte[] bytes = M.writeValueAsBytes(n);
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(bytes)).isInstanceOf(WireFormatException.class).hasMessage(message);
    }

    @Test
    void allStatesPartiesIsOneRecipient() throws Exception {
        Envelope e = Envelope.builder().messageId("SEC-1").type(MessageType.SECRETARIAT_MESSAGE).createdAt(CREATED)
                .title("Circular").allStatesParties().build();
        assertThat(EnvelopeJson.fromBytes(EnvelopeJson.toBytes(e)).recipients()).containsExactly("all-states-parties");
    }

    @Test
    void refusesWhatIsNotOneStrictJsonObject() {
        assertMessage("not json", "envelope is not valid JSON or exceeds a nesting, string or number limit");
        assertMessage("[]", "envelope is not a JSON object");
        assertMessage("{} {}", "envelope is not valid JSON or exceeds a nesting, string or number limit");
        assertMessage("{\"version\":1,\"version\":1}", "envelope is not valid JSON or exceeds a nesting, string or number limit");
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
                .hasMessage("envelope is not valid UTF-8");
        assertThatThrownBy(() -> EnvelopeJson.fromBytes("{\"version\":1}".getBytes(StandardCharsets.UTF_16)))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(null)).hasMessage("envelope is missing");
    }

    @Test
    void bombsAreRefusedBeforeParsing() {
        byte[] huge = new byte[Envelope.MAX_BYTES + 1];
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(huge)).hasMessage("envelope exceeds 65536 bytes");
        assertMessage("[".repeat(10_000), "envelope is not valid JSON or exceeds a nesting, string or number limit");
        assertMessage("{\"a\":" + "[".repeat(17) + "]".repeat(17) + "}",
                "envelope is not valid JSON or exceeds a nesting, string or number limit");
        assertMessage("{\"version\":" + "9".repeat(30) + "}", "envelope is not valid JSON or exceeds a nesting, string or number limit");
        // Depth 15 is still fine for the parser (the field is then refused as unknown).
        assertMessage("{\"version\":1,\"a\":" + "[".repeat(14) + "]".repeat(14) + "}", "envelope has an unknown field");
    }

    @Test
    void builderFailsFastWithTheRule() {
        assertThatThrownBy(() -> Envelope.builder().messageId("no spaces")).hasMessage("messageId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -");
        assertThatThrownBy(() -> Envelope.builder().state("Arc")).hasMessage("state must be an ISO 3166 alpha-3 code in upper case");
        assertThatThrownBy(() -> Envelope.builder().period("2025/26")).hasMessage("period must be a year (2025) or a range of years (2024-2025)");
        assertThatThrownBy(() -> Envelope.builder().namedStates("ARC", "xx")).hasMessage("namedStates entry must be an ISO 3166 alpha-3 code in upper case");
        assertThatThrownBy(() -> Envelope.builder().document("a", 1, SHA, "a/b").document("a", 2, SHA, "a/b"))
                .hasMessage("documents must have distinct names");
        assertThatThrownBy(() -> Envelope.builder().messageId("m").type(MessageType.INSTRUCTION).state("ARC").title("t").build())
                .hasMessage("reportType is required");
        assertThatThrownBy(() -> Envelope.builder().type(MessageType.FILING).build()).hasMessage("messageId is required");
    }

    @Test
    void builderTakesCreatedAtFromItsClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456Z"), ZoneOffset.UTC);
        Envelope e = Envelope.builder().clock(clock).messageId("m").type(MessageType.CORRESPONDENCE).state("ARC").title("t").build();
        assertThat(e.createdAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123Z"));
    }

    @Test
    void builderHashesFilesByStreamingAndNormalizesNames(@TempDir Path dir) throws Exception {
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("report.pdf"), content);
        Envelope.Builder b = Envelope.builder().messageId("m").type(MessageType.FILING).state("ARC").title("t")
                .level(ConfidentialityLevel.PUBLIC).reportType("annual-report")
                .document("e\u0301.pdf", file, "application/pdf");
        Envelope e = b.build();
        DocumentInfo d = e.documents().get(0);
        assertThat(d.name()).isEqualTo("é.pdf");
        assertThat(d.size()).isEqualTo(200_000);
        assertThat(d.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(b.files()).containsExactly(java.util.Map.entry("é.pdf", file));
        assertThatThrownBy(() -> Envelope.builder().document("x.pdf", dir.resolve("missing"), "application/pdf"))
                .hasMessage("document 'x.pdf' could not be read");
    }

    @Test
    void builderRefusesEnvelopesOverTheSizeLimit() {
        Envelope.Builder b = Envelope.builder().messageId("m").type(MessageType.CORRESPONDENCE).state("ARC").title("t")
                .body("\"".repeat(32 * 1024)); // within 32 KiB, but each quote is escaped to two bytes
        assertThatThrownBy(b::build).hasMessage("envelope exceeds 65536 bytes");
    }

    private static void assertMessage(String json, String message) {
        assertThatThrownBy(() -> EnvelopeJson.fromBytes(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessage(message);
    }
}
