package org.treatyexchange.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {

    static final String ID = "bor-2025.annual_0001";

    static Manifest read(String json) throws WireFormatException {
        return ManifestJson.fromBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSubmissionIdRoundTripsAndComesLast() throws Exception {
        Manifest m = new Manifest(1, "national-report", "2024-2025", ConfidentialityLevel.NAMED, List.of("ARC", "SYL"), true, ID);
        String json = new String(ManifestJson.toBytes(m), StandardCharsets.UTF_8);
        assertThat(json).endsWith(",\"withheld\":true,\"submissionId\":\"" + ID + "\"}");
        assertThat(ManifestJson.fromBytes(ManifestJson.toBytes(m))).isEqualTo(m);
        assertThat(read("{\"version\":1,\"reportType\":\"correspondence\",\"submissionId\":\"" + ID + "\"}").submissionId()).isEqualTo(ID);
    }

    @Test
    void withoutASubmissionIdTheManifestIsAsBefore() throws Exception {
        Manifest m = read("{\"version\":1,\"reportType\":\"annual-report\",\"period\":\"2025\"}");
        assertThat(m.submissionId()).isNull();
        assertThat(new String(ManifestJson.toBytes(m), StandardCharsets.UTF_8)).doesNotContain("submissionId");
        assertThat(read("{\"version\":1,\"reportType\":\"annual-report\",\"submissionId\":null}").submissionId()).isNull();
        assertThat(m.withSubmissionId(ID).submissionId()).isEqualTo(ID);
        assertThat(m.withSubmissionId(ID).withSubmissionId(null)).isEqualTo(m);
    }

    @Test
    void badSubmissionIdsAreRefusedWithTheRuleNotTheValue() {
        String tooLong = "a".repeat(Manifest.MAX_SUBMISSION_ID + 1);
        for (String bad : new String[] {"", "short-id-15char", tooLong, "has space in the id", "colon:is:not:allowed:here",
                "slash/is/not/allowed/here", "ümlaut-is-not-ascii-ok", "tab\\tinside-the-identifier", "null-byte\\u0000-in-the-id"}) {
            assertThatThrownBy(() -> read("{\"version\":1,\"reportType\":\"annual-report\",\"submissionId\":\"" + bad + "\"}"))
                    .as(bad).isInstanceOf(WireFormatException.class)
                    .hasMessage("manifest: submissionId must be 16 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        assertThatThrownBy(() -> read("{\"version\":1,\"reportType\":\"annual-report\",\"submissionId\":1234567890123456789}"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("'submissionId' must be a string");
        assertThatThrownBy(() -> new Manifest(1, "annual-report", null, null, List.of(), false, "x".repeat(15)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("submissionId");
        // the shortest and the longest allowed, with every allowed kind of character
        assertThat(new Manifest(1, "annual-report", null, null, List.of(), false, "aZ09._-aZ09._-aZ").submissionId()).hasSize(16);
        assertThat(new Manifest(1, "annual-report", null, null, List.of(), false, "A".repeat(64)).submissionId()).hasSize(64);
    }

    @Test
    void aTitleRoundTripsAndIsOptional() throws Exception {
        Manifest m = new Manifest(1, "annual-report", "2025", null, List.of(), false, ID, "Rapport annuel 2025 — exportations");
        String json = new String(ManifestJson.toBytes(m), StandardCharsets.UTF_8);
        assertThat(json).endsWith(",\"title\":\"Rapport annuel 2025 — exportations\"}");
        assertThat(ManifestJson.fromBytes(ManifestJson.toBytes(m))).isEqualTo(m);
        assertThat(read("{\"version\":1,\"reportType\":\"annual-report\"}").title()).isNull();
        assertThat(read("{\"version\":1,\"reportType\":\"annual-report\",\"title\":null}").title()).isNull();
        assertThat(m.withSubmissionId(null).title()).isEqualTo(m.title());
    }

    @Test
    void aBadTitleIsRefusedByTheRuleOfDocumentNamesAndTitles() {
        for (String[] bad : new String[][] {{"", "the title is empty"}, {"x".repeat(301), "the title is longer than 300 characters"},
                {"line\\nbreak", "the title contains a control character"}, {" leading", "the title starts or ends with white space"},
                {"report\\u202egnp.exe", "the title contains an invisible or text-direction formatting character (U+202E)"}}) {
            assertThatThrownBy(() -> read("{\"version\":1,\"reportType\":\"annual-report\",\"title\":\"" + bad[0] + "\"}"))
                    .as(bad[0]).isInstanceOf(WireFormatException.class).hasMessage("manifest: " + bad[1]);
        }
        assertThatThrownBy(() -> read("{\"version\":1,\"reportType\":\"annual-report\",\"title\":7}"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("'title' must be a string");
        assertThat(new Manifest(1, "annual-report", null, null, List.of(), false, null, "x".repeat(300)).title()).hasSize(300);
    }

    @Test
    void unknownFieldsAreStillRefused() {
        assertThatThrownBy(() -> read("{\"version\":1,\"reportType\":\"annual-report\",\"submissionID\":\"" + ID + "\"}"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("unknown field");
    }
}
