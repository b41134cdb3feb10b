package org.treatyexchange.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.FilingRecord;

/** The mails' texts: what a State chose cannot break a line or a header, and nothing but the filing's facts is said. */
class MailTemplatesTest {

    static FilingRecord filing(String fileName, String period) {
        return new FilingRecord("F-20261203-abc", "ARC", "arcadia-officer", null, "sftp", fileName, "annual-report", period,
                ConfidentialityLevel.STATES_PARTIES, List.of(), false, null, 12, "ab".repeat(32), "blob-1", Instant.parse("2026-05-01T10:00:00Z"),
                "received");
    }

    @Test
    void aStatesWordsCannotForgeALineOrAHeader() {
        MailTemplates t = new MailTemplates(Optional.empty());
        MailTemplates.Text text = t.received(filing("report.pdf\r\nBcc: spy@example.org\u2028x", "2025\nX-Injected: 1"));
        assertThat(text.subject()).doesNotContain("\r").doesNotContain("\n");
        assertThat(text.body()).doesNotContain("\nBcc:").doesNotContain("\nX-Injected").doesNotContain("\u2028")
                .contains("report.pdf??Bcc: spy@example.org?x");
        assertThat(MailTemplates.clean("x".repeat(500))).hasSize(200);
    }

    @Test
    void aTitleTheStateChoseIsSaidOnItsOwnLineAndNoneIsSaidWhenItChoseNone() {
        MailTemplates t = new MailTemplates(Optional.empty());
        FilingRecord plain = filing("report.pdf", "2025");
        FilingRecord titled = new FilingRecord(plain.id(), plain.state(), plain.account(), null, plain.channel(), plain.fileName(),
                plain.reportType(), plain.period(), plain.level(), List.of(), false, null, 12, plain.sha256(), plain.blobId(), plain.receivedAt(),
                "received", "Annual report 2025\r\nBcc: spy@example.org");
        for (MailTemplates.Text text : List.of(t.received(titled), t.released(titled), t.held(titled), t.receivedForSecretariat(titled, true))) {
            assertThat(text.body()).contains("\nTitle:          Annual report 2025??Bcc: spy@example.org\n").doesNotContain("\nBcc:");
        }
        assertThat(t.received(plain).body()).doesNotContain("Title:").contains("Document:       report.pdf");
    }

    @Test
    void withoutAPortalAddressAMailCarriesIdsOnlyAndWithOneALinkToTheFiling() {
        assertThat(new MailTemplates(Optional.empty()).held(filing("a.pdf", "2025")).body()).doesNotContain("http")
                .contains("F-20261203-abc");
        assertThat(new MailTemplates(Optional.of("https://exchange.example.org")).held(filing("a.pdf", "2025")).body())
                .contains("https://exchange.example.org/state/filings/F-20261203-abc");
        assertThat(new MailTemplates(Optional.empty()).reminder("BOR", "Initial report", null, LocalDate.of(2026, 5, 31), 1).subject())
                .isEqualTo("[Treaty Exchange] Reminder: Initial report due on 2026-05-31 (BOR)");
    }
}
