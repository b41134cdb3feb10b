package org.treatyexchange.server.filing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Manifest;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.store.SubmissionRecords;

/**
 * What decides a filing apart from its storage, without a server or a database: a resend under a used
 * submission id ({@link Resend}), what a waiting manifest adds to its document ({@link Manifests.Applied}),
 * when a manifest still waits and how a replacement is stamped ({@link ManifestTimes}), what a full disk is
 * called ({@link StorageFailures}), and the shape and order of filing ids ({@link FilingIds}).
 */
class FilingDecisionsTest {

    static final String SHA = "ab".repeat(32);
    static final Instant T = Instant.parse("2026-12-01T09:00:00.000Z");

    static Submission submission(String fileName, String reportType) {
        return new Submission("ARC", "arcadia-officer", "fp", "sftp", "127.0.0.1", fileName, reportType, "2025", ConfidentialityLevel.NAMED,
                List.of("BOR"), false);
    }

    static SubmissionRecords.Used used() {
        return new SubmissionRecords.Used("ARC", "submission-0000000001", "20261201T090000000Z-AAAAAAAAAA", SHA, "report.pdf",
                "annual-report", "arcadia-officer", T);
    }

    // ---- resends (idempotency of a submission id)

    @Test
    void theSameDocumentUnderTheSameNameAndTypeIsAResend() {
        assertThat(Resend.isSameDocument(used(), submission("report.pdf", "annual-report"), SHA)).isTrue();
    }

    @Test
    void anythingElseUnderAUsedIdIsAnotherDocument() {
        assertThat(Resend.isSameDocument(used(), submission("report.pdf", "annual-report"), "cd".repeat(32))).as("other bytes").isFalse();
        assertThat(Resend.isSameDocument(used(), submission("report-v2.pdf", "annual-report"), SHA)).as("other name").isFalse();
        assertThat(Resend.isSameDocument(used(), submission("report.pdf", "initial-report"), SHA)).as("other report type").isFalse();
    }

    // ---- a manifest applied to its document

    @Test
    void aManifestGivesItsDocumentItsPeriodNamedStatesWithheldFlagLevelSubmissionIdAndTitle() {
        ManifestRecords.Waiting waiting = new ManifestRecords.Waiting(new ManifestRecords.Slot("ARC", "annual-report", "named", "report.pdf"),
                "arcadia-officer", "{}", T);
        // the title in NFD (e + combining acute) is filed in NFC, as every channel files it
        Manifest m = new Manifest(Manifest.CURRENT_VERSION, "annual-report", "2024", ConfidentialityLevel.NAMED, List.of("BOR", "CAL"), true,
                "submission-0000000001", "Rapport annuel d\u0065\u0301taille\u0301");
        Submission plain = new Submission("ARC", "arcadia-officer", "fp", "sftp", "127.0.0.1", "report.pdf", "annual-report", "2025",
                ConfidentialityLevel.NAMED, List.of(), false);
        Submission applied = new Manifests.Applied(waiting, m).applyTo(plain);
        assertThat(applied).isEqualTo(new Submission("ARC", "arcadia-officer", "fp", "sftp", "127.0.0.1", "report.pdf", "annual-report",
                "2024", ConfidentialityLevel.NAMED, List.of("BOR", "CAL"), true, ConfidentialityLevel.NAMED, waiting, "submission-0000000001",
                "Rapport annuel d\u00e9taill\u00e9"));
    }

    @Test
    void aManifestSayingNoPeriodKeepsTheOneTheFolderImplied() {
        ManifestRecords.Waiting waiting = new ManifestRecords.Waiting(new ManifestRecords.Slot("ARC", "annual-report", "-", "r.pdf"),
                "arcadia-officer", "{}", T);
        Manifest m = new Manifest(Manifest.CURRENT_VERSION, "annual-report", null, null, List.of(), false);
        Submission plain = new Submission("ARC", "arcadia-officer", "fp", "sftp", "127.0.0.1", "r.pdf", "annual-report", "2025", null,
                List.of(), false);
        Submission applied = new Manifests.Applied(waiting, m).applyTo(plain);
        assertThat(applied.period()).isEqualTo("2025");
        assertThat(applied.manifestLevel()).isNull();
        assertThat(applied.submissionId()).isNull();
        assertThat(applied.title()).as("no title: the document's name stands in where it is shown").isNull();
        assertThat(applied.manifest()).isSameAs(waiting);
    }

    // ---- manifest times

    @Test
    void aManifestWaitsForItsDocumentForTheTtlAndNotAMillisecondMore() {
        assertThat(ManifestTimes.isWaiting(T, T)).isTrue();
        assertThat(ManifestTimes.isWaiting(T, T.plus(Manifests.TTL).minusMillis(1))).isTrue();
        assertThat(ManifestTimes.isWaiting(T, T.plus(Manifests.TTL))).isFalse();
        assertThat(Manifests.TTL).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theFirstManifestInASlotIsStampedNow() {
        assertThat(ManifestTimes.receivedAt(Optional.empty(), T)).isEqualTo(T);
        assertThat(ManifestTimes.receivedAt(Optional.of(T.minusMillis(1)), T)).isEqualTo(T);
        assertThat(ManifestTimes.receivedAt(Optional.of(T.minusSeconds(5)), T)).as("a replacement long after is stamped now").isEqualTo(T);
    }

    @Test
    void aReplacementIsStampedStrictlyAfterTheManifestItReplacesEvenWhenTheClockStandsStillOrGoesBack() {
        assertThat(ManifestTimes.receivedAt(Optional.of(T), T)).isEqualTo(T.plusMillis(1));
        assertThat(ManifestTimes.receivedAt(Optional.of(T.plusSeconds(5)), T)).isEqualTo(T.plusSeconds(5).plusMillis(1));
    }

    // ---- storage failures

    @Test
    void aFullDiskAnywhereInTheCausesIsStorageFull() {
        IOException full = new IOException("write failed", new FileSystemException("/blobs/tmp/x: No space left on device"));
        assertThat(StorageFailures.isFull(full)).isTrue();
        assertThat(StorageFailures.reason(full)).isEqualTo("storage-full");
        Refusal r = StorageFailures.refusal(full);
        assertThat(r.reason()).isEqualTo(Refusal.Reason.STORAGE_FULL);
        assertThat(r.getMessage()).isEqualTo("the server's storage is full; nothing was kept; try again later");
        assertThat(r.getCause()).isSameAs(full);
    }

    @Test
    void anyOtherFailureIsUnavailableAndNamesNoPath() {
        IOException other = new IOException("Input/output error", new IOException((String) null));
        assertThat(StorageFailures.isFull(other)).isFalse();
        assertThat(StorageFailures.isFull(new IOException((String) null))).isFalse();
        assertThat(StorageFailures.reason(other)).isEqualTo("storage-failure");
        Refusal r = StorageFailures.refusal(new FileSystemException("/srv/exchange/blobs/ab/cd: Input/output error"));
        assertThat(r.reason()).isEqualTo(Refusal.Reason.UNAVAILABLE);
        assertThat(r.getMessage()).isEqualTo("the document could not be stored; nothing was kept").doesNotContain("/srv");
    }

    // ---- filing ids

    @Test
    void filingIdsHaveTheirShapeAndSortByTimeWithinOneProcess() {
        // ids of one process never repeat a millisecond, so this test stays near the real clock: other tests share the counter
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(FilingIds.next(now)); // the same millisecond: each later id takes the next one
        }
        assertThat(ids).allMatch(FilingIds::isWellFormed);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        Set<String> suffixes = new HashSet<>();
        ids.forEach(id -> suffixes.add(id.substring(id.indexOf('-') + 1)));
        assertThat(suffixes).as("50 random bits each").hasSize(50);
        Instant later = now.plusSeconds(2);
        assertThat(FilingIds.next(later)).startsWith(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(later) + "-");
    }

    @Test
    void onlyTheFilingIdShapeIsWellFormed() {
        assertThat(FilingIds.isWellFormed("20261123T031611042Z-7KQ2M9XW4D")).isTrue();
        assertThat(FilingIds.isWellFormed(null)).isFalse();
        assertThat(FilingIds.isWellFormed("20261123T031611042Z-7KQ2M9XW4I")).as("I is not Crockford").isFalse();
        assertThat(FilingIds.isWellFormed("20261123T031611042Z-7KQ2M9XW4")).isFalse();
        assertThat(FilingIds.isWellFormed("../20261123T031611042Z-7KQ2M9XW4D")).isFalse();
        assertThat(FilingIds.isWellFormed("20261123T031611042Z-7KQ2M9XW4D\n")).isFalse();
    }
}
