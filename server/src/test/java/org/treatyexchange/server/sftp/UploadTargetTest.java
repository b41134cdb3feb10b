package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/**
 * Where a State's account may write in its SFTP tree, decided from the normalised path alone: a document or
 * its manifest in a report type's folder or one of its level folders, a withdrawal in {@code /withdraw/};
 * nowhere else (not the root, not {@code /receipts/}, not deeper, not a level folder of another name).
 */
class UploadTargetTest {

    static Optional<UploadTarget> at(String path) {
        return UploadTarget.of(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    }

    @Test
    void aDocumentInALevelFolderSaysThatLevel() {
        assertThat(at("/submit/annual-report/public/report.pdf"))
                .contains(new UploadTarget.Document("annual-report", ConfidentialityLevel.PUBLIC, "report.pdf"));
        assertThat(at("/submit/annual-report/states-parties/r.pdf"))
                .contains(new UploadTarget.Document("annual-report", ConfidentialityLevel.STATES_PARTIES, "r.pdf"));
        assertThat(at("/submit/annual-report/secretariat/r.pdf"))
                .contains(new UploadTarget.Document("annual-report", ConfidentialityLevel.SECRETARIAT, "r.pdf"));
        assertThat(at("/submit/annual-report/named/r.pdf"))
                .contains(new UploadTarget.Document("annual-report", ConfidentialityLevel.NAMED, "r.pdf"));
    }

    @Test
    void aDocumentInTheReportTypesFolderSaysNoLevel() {
        assertThat(at("/submit/annual-report/report.pdf")).contains(new UploadTarget.Document("annual-report", null, "report.pdf"));
    }

    @Test
    void aManifestNamesTheDocumentItIsFor() {
        assertThat(at("/submit/annual-report/named/report.pdf.manifest.json"))
                .contains(new UploadTarget.ManifestFor("annual-report", ConfidentialityLevel.NAMED, "report.pdf"));
        assertThat(at("/submit/annual-report/report.pdf.manifest.json"))
                .contains(new UploadTarget.ManifestFor("annual-report", null, "report.pdf"));
    }

    @Test
    void aFileNamedOnlyLikeAManifestIsADocument() {
        assertThat(at("/submit/annual-report/.manifest.json")).contains(new UploadTarget.Document("annual-report", null, ".manifest.json"));
        assertThat(at("/submit/annual-report/x.manifest.json.pdf"))
                .contains(new UploadTarget.Document("annual-report", null, "x.manifest.json.pdf"));
    }

    @Test
    void aWithdrawalNamesTheFilingWithOrWithoutTxt() {
        assertThat(at("/withdraw/20261123T031611042Z-7KQ2M9XW4D")).contains(new UploadTarget.Withdrawal("20261123T031611042Z-7KQ2M9XW4D"));
        assertThat(at("/withdraw/20261123T031611042Z-7KQ2M9XW4D.txt"))
                .contains(new UploadTarget.Withdrawal("20261123T031611042Z-7KQ2M9XW4D"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/report.pdf", "/submit/report.pdf", "/submit/annual-report/public", "/receipts/x.p7s",
        "/distributed/x.pdf", "/public/x.pdf", "/withdraw", "/withdraw/a/b", "/submit/annual-report/public/deeper/r.pdf",
        "/submit/annual-report/unknown-level/r.pdf", "/submit/annual-report/PUBLIC/r.pdf", "/receipts/annual-report/public/r.pdf",
        "/public/annual-report/public/r.pdf", "/x/annual-report/r.pdf", "/"})
    void nothingElseMayBeWritten(String path) {
        assertThat(at(path)).isEmpty();
    }

    @Test
    void aLevelFolderIsOneOfTheFourLevelsByItsWireName() {
        assertThat(UploadTarget.folderLevel("states-parties")).contains(ConfidentialityLevel.STATES_PARTIES);
        assertThat(UploadTarget.folderLevel("report.pdf")).isEmpty();
        assertThat(UploadTarget.FOLDER_LEVELS).containsExactly(ConfidentialityLevel.PUBLIC, ConfidentialityLevel.STATES_PARTIES,
                ConfidentialityLevel.SECRETARIAT, ConfidentialityLevel.NAMED);
        assertThat(List.of(ConfidentialityLevel.values())).containsExactlyInAnyOrderElementsOf(UploadTarget.FOLDER_LEVELS);
    }
}
