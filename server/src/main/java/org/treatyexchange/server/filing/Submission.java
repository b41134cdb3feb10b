package org.treatyexchange.server.filing;

import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.ManifestRecords;

/**
 * Who is filing what, as established by the channel before the first document byte arrives.
 *
 * @param state          ISO code of the filing State
 * @param account        the authenticated account
 * @param keyFingerprint the key (or certificate) the account proved
 * @param channel        {@code sftp} or {@code api}
 * @param source         the remote address, for the audit trail
 * @param fileName       the document's name, already validated and NFC-normalised
 * @param reportType     a configured report type id
 * @param period         reporting period or null
 * @param level          the confidentiality level the filing says (folder or envelope), or null when it says
 *                       none (the State's standing instruction, else the report type's default, applies)
 * @param namedStates    the States named for {@link ConfidentialityLevel#NAMED}
 * @param withheld       the State says it withheld sensitive information (ATT Art. 13.3)
 * @param manifestLevel  the level an SFTP manifest repeats (routing compares it with the folder's), or null
 * @param manifest       the waiting manifest this filing consumes (exactly that one, not a newer one in its slot), or null
 * @param submissionId   the manifest's submission id (the client's idempotency key, unique per State), or null
 * @param title          the title the filing says (form, manifest or envelope), checked and NFC, or null: none
 */
public record Submission(
        String state,
        String account,
        String keyFingerprint,
        String channel,
        String source,
        String fileName,
        String reportType,
        String period,
        ConfidentialityLevel level,
        List<String> namedStates,
        boolean withheld,
        ConfidentialityLevel manifestLevel,
        ManifestRecords.Waiting manifest,
        String submissionId,
        String title) {

    /** A submission with no manifest (the signed-message channel, or an SFTP upload without one). */
    public Submission(String state, String account, String keyFingerprint, String channel, String source, String fileName,
            String reportType, String period, ConfidentialityLevel level, List<String> namedStates, boolean withheld) {
        this(state, account, keyFingerprint, channel, source, fileName, reportType, period, level, namedStates, withheld, null, null, null,
                null);
    }

    /** This submission with the given title (null: none). */
    public Submission withTitle(String newTitle) {
        return new Submission(state, account, keyFingerprint, channel, source, fileName, reportType, period, level, namedStates, withheld,
                manifestLevel, manifest, submissionId, newTitle);
    }

    /** This submission of another document name (the portal's form files several documents alike). */
    public Submission named(String newFileName) {
        return new Submission(state, account, keyFingerprint, channel, source, newFileName, reportType, period, level, namedStates, withheld,
                manifestLevel, manifest, submissionId, title);
    }

    public Submission {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(reportType, "reportType");
        namedStates = List.copyOf(namedStates == null ? List.of() : namedStates);
    }
}
