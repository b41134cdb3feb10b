package org.treatyexchange.server.sftp;

import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Manifest;

/**
 * Where a State's account may write in its tree, decided from the path's normalised segments alone:
 * {@code /withdraw/<filing-id>}, a manifest {@code <name>.manifest.json} or a document in
 * {@code /submit/<report-type>/} or {@code /submit/<report-type>/<level>/}; nowhere else. Whether the
 * report type, name or filing exists is the application layer's to say.
 */
sealed interface UploadTarget {

    /** Levels a State can choose by folder; {@code named} needs a manifest listing the States. */
    List<ConfidentialityLevel> FOLDER_LEVELS = List.of(ConfidentialityLevel.PUBLIC, ConfidentialityLevel.STATES_PARTIES,
            ConfidentialityLevel.SECRETARIAT, ConfidentialityLevel.NAMED);

    /** A withdrawal of the filing {@code filingId} (the file's name, without {@code .txt}). */
    record Withdrawal(String filingId) implements UploadTarget {
    }

    /** A manifest for the document {@code document} to come into the same folder; {@code level} null: the type's folder. */
    record ManifestFor(String reportType, ConfidentialityLevel level, String document) implements UploadTarget {
    }

    /** A document; {@code level} null when dropped into the report type's folder (the standing instruction applies). */
    record Document(String reportType, ConfidentialityLevel level, String name) implements UploadTarget {
    }

    /** What writing to {@code segments} would be; empty where nothing may be written. */
    static Optional<UploadTarget> of(List<String> segments) {
        List<String> s = segments;
        if (s.size() == 2 && s.get(0).equals("withdraw")) {
            return Optional.of(new Withdrawal(AccountView.actionFileId(s.get(1))));
        }
        // /submit/<type>/<level>/<name> says its level by its folder; /submit/<type>/<name> says none.
        boolean inLevelFolder = s.size() == 4 && folderLevel(s.get(2)).isPresent();
        boolean inTypeFolder = s.size() == 3 && folderLevel(s.get(2)).isEmpty();
        if (!(inLevelFolder || inTypeFolder) || !s.get(0).equals("submit")) {
            return Optional.empty();
        }
        String reportType = s.get(1);
        ConfidentialityLevel level = inLevelFolder ? folderLevel(s.get(2)).orElseThrow() : null;
        String name = s.get(s.size() - 1);
        if (name.endsWith(Manifest.SUFFIX) && name.length() > Manifest.SUFFIX.length()) {
            return Optional.of(new ManifestFor(reportType, level, name.substring(0, name.length() - Manifest.SUFFIX.length())));
        }
        return Optional.of(new Document(reportType, level, name));
    }

    /** The level a drop folder stands for; empty for any other name. */
    static Optional<ConfidentialityLevel> folderLevel(String name) {
        return ConfidentialityLevel.fromWireName(name).filter(FOLDER_LEVELS::contains);
    }
}
