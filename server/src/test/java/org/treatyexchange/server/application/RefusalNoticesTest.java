package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.RefusalNoticeRecords;
import org.treatyexchange.server.store.Store;

/**
 * The notices of refused uploads, on Derby and PostgreSQL, with a clock the test moves: what a notice
 * says, that each State reads only its own, and that a notice is gone — from the listing and from the
 * table — once its retention has passed.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class RefusalNoticesTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    TestDatabase database;
    Store store;
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T06:30:00.123Z"));

    static final Caller ARCADIA = new Caller("arcadia-officer", "ARC", Caller.Role.STATE_OFFICER, Caller.Channel.SFTP, "SHA256:k",
            "127.0.0.1");
    static final Caller BOREALIS = new Caller("borealis-officer", "BOR", Caller.Role.STATE_OFFICER, Caller.Channel.API, "cert",
            "127.0.0.1");

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = database.open(temp.resolve("db"));
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        database.close();
    }

    /** The table's rows of a State as if read at {@code at} (expired ones stay until purged). */
    List<RefusalNoticeRecords.Notice> rows(String state, Instant at) throws Exception {
        return store.read(tx -> tx.refusalNotices().ofState(state, at));
    }

    RefusalNotices notices() {
        return new RefusalNotices(store, clock, Duration.ofDays(30));
    }

    @Test
    void aNoticeSaysWhatWasRefusedWhenWhyAndWhatToDoAndNeverTheDocument() throws Exception {
        RefusalNotices notices = notices();
        String target = RefusalNotices.target("national-report", ConfidentialityLevel.PUBLIC, "report 2025.pdf");
        notices.note(ARCADIA, target, new Refusal(Refusal.Reason.INVALID_PERIOD, "a national-report needs a period"), 1234);

        List<RefusalNotice> all = notices.of("ARC");
        assertThat(all).hasSize(1);
        RefusalNotice n = all.get(0);
        assertThat(n.fileName()).matches("20261203T063000Z-[0-9a-f]{6}-report_2025\\.pdf\\.txt");
        assertThat(n.reason()).isEqualTo("invalid-period");
        assertThat(n.refusedAt()).isEqualTo(Instant.parse("2026-12-03T06:30:00.123Z"));
        assertThat(n.expiresAt()).isEqualTo(Instant.parse("2027-01-02T06:30:00.123Z"));
        String text = new String(n.text(), StandardCharsets.UTF_8);
        assertThat(text).contains("What:        /submit/national-report/public/report 2025.pdf")
                .contains("When:        2026-12-03T06:30:00.123Z")
                .contains("Account:     arcadia-officer (sftp)")
                .contains("Reason code: invalid-period")
                .contains("Why:         a national-report needs a period")
                .contains("Received:    1234 bytes; nothing of the upload was kept")
                .contains("What to do:  write a manifest")
                .contains("removed after 2027-01-02T06:30:00.123Z");
        assertThat(notices.find("ARC", n.fileName())).map(RefusalNotice::fileName).contains(n.fileName());
    }

    @Test
    void aHiddenCharacterOfARefusedNameIsShownAndTheNoticeNameIsPlainAscii() throws Exception {
        RefusalNotices notices = notices();
        String target = RefusalNotices.target("annual-report", null, "report\u202Efdp.exe");
        notices.note(ARCADIA, target, new Refusal(Refusal.Reason.INVALID_NAME, "the name contains an invisible character"), 0);
        RefusalNotice n = notices.of("ARC").get(0);
        assertThat(n.target()).isEqualTo("/submit/annual-report/report<U+202E>fdp.exe");
        assertThat(n.fileName()).matches("[0-9TZ]+-[0-9a-f]{6}-report_U_202E_fdp\\.exe\\.txt");
        assertThat(new String(n.text(), StandardCharsets.UTF_8)).doesNotContain("\u202E");
    }

    @Test
    void eachStateReadsOnlyItsOwnNoticesAndTheSecretariatLeavesNone() throws Exception {
        RefusalNotices notices = notices();
        notices.note(ARCADIA, "/submit/annual-report/public/a.pdf", new Refusal(Refusal.Reason.QUOTA_EXCEEDED, "quota"), 10);
        notices.note(BOREALIS, "/submit/annual-report/public/b.pdf", new Refusal(Refusal.Reason.TOO_LARGE, "too large"), 10);
        notices.note(new Caller("secretariat", null, Caller.Role.SECRETARIAT, Caller.Channel.SFTP, "k", "127.0.0.1"),
                "/release/x", new Refusal(Refusal.Reason.CONFLICT, "conflict"), 0);
        List<RefusalNotice> arcadia = notices.of("ARC");
        List<RefusalNotice> borealis = notices.of("BOR");
        assertThat(arcadia).extracting(RefusalNotice::reason).containsExactly("quota-exceeded");
        assertThat(borealis).extracting(RefusalNotice::reason).containsExactly("too-large");
        assertThat(notices.find("BOR", arcadia.get(0).fileName())).isEmpty();
        assertThat(rows("ARC", clock.instant()).size() + rows("BOR", clock.instant()).size()).isEqualTo(2);
    }

    @Test
    void aNoticeExpiresAfterItsRetentionAndTheNextNoticePurgesIt() throws Exception {
        RefusalNotices notices = new RefusalNotices(store, clock, Duration.ofHours(2));
        notices.note(ARCADIA, "/submit/annual-report/public/old.pdf", new Refusal(Refusal.Reason.INVALID_ROUTING, "old"), 0);
        String old = notices.of("ARC").get(0).fileName();

        clock.advance(Duration.ofHours(2).minusMillis(1));
        assertThat(notices.of("ARC")).extracting(RefusalNotice::fileName).containsExactly(old);
        clock.advance(Duration.ofMillis(1));
        assertThat(notices.of("ARC")).isEmpty();
        assertThat(notices.find("ARC", old)).isEmpty();
        // still in the table until a purge: read as if earlier
        Instant before = clock.instant().minusSeconds(60);
        assertThat(rows("ARC", before)).hasSize(1);

        notices.note(ARCADIA, "/submit/annual-report/public/new.pdf", new Refusal(Refusal.Reason.INVALID_ROUTING, "new"), 0);
        assertThat(rows("ARC", before)).extracting(RefusalNoticeRecords.Notice::target)
                .containsExactly("/submit/annual-report/public/new.pdf");
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
