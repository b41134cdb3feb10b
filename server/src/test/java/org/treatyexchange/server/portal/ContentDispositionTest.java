package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A document's name cannot break out of the header or be misread by the browser. */
class ContentDispositionTest {

    @Test
    void plainNamesStayAsTheyAre() {
        assertThat(ContentDisposition.attachment("arc-annual-2025.pdf"))
                .isEqualTo("attachment; filename=\"arc-annual-2025.pdf\"; filename*=UTF-8''arc-annual-2025.pdf");
    }

    @Test
    void quotesSeparatorsAndLineBreaksNeverReachTheHeader() {
        String h = ContentDisposition.attachment("a\"b;c\r\nSet-Cookie: x=1/..\\d.pdf");
        assertThat(h).doesNotContain("\r", "\n", "\"b", "/", "\\").startsWith("attachment; filename=\"a_b_c__Set-Cookie__x_1_.._d.pdf\"");
    }

    @Test
    void nonAsciiNamesKeepTheirExactNameInFilenameStar() {
        assertThat(ContentDisposition.attachment("informe-año 2025.pdf"))
                .isEqualTo("attachment; filename=\"informe-a_o_2025.pdf\"; filename*=UTF-8''informe-a%C3%B1o%202025.pdf");
        assertThat(ContentDisposition.attachment(".hidden")).startsWith("attachment; filename=\"_hidden\"");
        assertThat(ContentDisposition.attachment("")).startsWith("attachment; filename=\"document\"");
    }
}
