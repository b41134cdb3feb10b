package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rule for names other people will read: every category the rule names, refused with invalid-name. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "x\u202e.pdf", "x\u202a.pdf", "x\u2066.pdf", "x\u200e.pdf", "x\u061c.pdf", // bidirectional controls
        "x\u200b.pdf", "x\u200c.pdf", "x\u200d.pdf", "x\u2060.pdf", // zero-width characters, word joiner
        "\ufeffx.pdf", "x\u00ad.pdf", "x\u180e.pdf", "x\u034f.pdf", "x\u115f.pdf", "x\u3164.pdf", "x\ufe0f.pdf", // BOM, soft hyphen, ignorables
        "x\udb40\udc41.pdf", "x\udb40\udc7f.pdf", // tags U+E0041, U+E007F
        "x\u2028.pdf", "x\u2029.pdf", // line and paragraph separators
        "x\u0007.pdf", "x\u007f.pdf", "x\u0085.pdf", // C0, DEL, C1
        " x.pdf", "x.pdf ", "x.pdf\u00a0", "\u3000x.pdf", "x.pdf\t", // white space at either end, in the Unicode sense
        "a/b.pdf", "a\\b.pdf", ".", "..", "" // separators, dot names, empty
    })
    void refusesNamesThatCouldDisplayAsSomethingElseOrActAsAPath(String name) {
        assertThatThrownBy(() -> Names.document(name, 255)).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.reason()).isEqualTo(Refusal.Reason.INVALID_NAME));
    }

    @Test
    void refusesNamesOverTheByteLimitCountedInUtf8() throws Refusal {
        assertThat(Names.document("é".repeat(127) + "x", 255)).hasSize(128); // 255 bytes
        assertThatThrownBy(() -> Names.document("é".repeat(128), 255)).isInstanceOf(Refusal.class).hasMessageContaining("255 bytes");
        assertThatThrownBy(() -> Names.document("abcdefghij.pdf", 10)).isInstanceOf(Refusal.class).hasMessageContaining("10 bytes");
    }

    @Test
    void keepsOrdinaryNamesInEveryScriptAndNormalisesToNfc() throws Refusal {
        assertThat(Names.document("Annual report 2025 (final).pdf", 255)).isEqualTo("Annual report 2025 (final).pdf");
        assertThat(Names.document("Отчёт-годовой.pdf", 255)).isEqualTo("Отчёт-годовой.pdf");
        assertThat(Names.document("تقرير.pdf", 255)).isEqualTo("تقرير.pdf");
        assertThat(Names.document("年度报告.docx", 255)).isEqualTo("年度报告.docx");
        String nfd = Normalizer.normalize("Informe-año.pdf", Normalizer.Form.NFD);
        assertThat(Names.document(nfd, 255)).isEqualTo("Informe-año.pdf").isNotEqualTo(nfd);
    }

    @Test
    void titlesFollowTheSameCharacterRulesButMayContainASlash() throws Refusal {
        assertThat(Names.title("Report 2024/2025")).isEqualTo("Report 2024/2025");
        assertThatThrownBy(() -> Names.title("Notice\u202e")).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.reason()).isEqualTo(Refusal.Reason.MALFORMED));
        assertThatThrownBy(() -> Names.title(" padded")).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> Names.title("t".repeat(301))).isInstanceOf(Refusal.class).hasMessageContaining("300");
    }
}
