package org.treatyexchange.sdk.wire;

import java.util.List;

/**
 * What an automated SFTP upload says about its document, in a sidecar {@code <file>.manifest.json}
 * written into the same drop folder BEFORE the document. The folder already names the report type
 * and a level; the manifest adds the period, named States and the withheld flag, and may repeat the
 * level (a level that differs from the folder's is a conflict: the filing then goes to the
 * secretariat only, for review).
 *
 * @param version     1
 * @param reportType  must equal the drop folder's report type
 * @param period      reporting period ({@code YYYY} or {@code YYYY-YYYY}) or null
 * @param level       level or null (the folder's applies)
 * @param namedStates for level {@code named}: the States, sorted and distinct; otherwise empty
 * @param withheld    ATT Art. 13.3: the State withheld commercially sensitive or national-security information
 * @param submissionId the client's idempotency key for this document, or null: 16 to 64 characters of
 *                    {@code A-Z a-z 0-9 . _ -}, chosen by the client (e.g. random, or derived from its own
 *                    record id) and unique per State. Uploading again under a submission id the State
 *                    already used files nothing new: the same document (name, report type, SHA-256) is
 *                    answered as already filed (the CLOSE succeeds, the original filing and receipt stand),
 *                    another document is refused. A retry after a network fault reuses it, so an upload
 *                    whose CLOSE reached the exchange but whose answer was lost can never file twice.
 * @param title       the filing's title as the State chooses it (shown to the secretariat, in the State's own views and
 *                    in notification mails), or null: the document's name stands in. 1 to 300 characters, by the rule of
 *                    {@link DocumentNames#titleProblem} (no control, invisible or text-direction characters, no white space
 *                    at either end)
 */
public record Manifest(int version, String reportType, String period, ConfidentialityLevel level, List<String> namedStates,
        boolean withheld, String submissionId, String title) {

    /** The only version this SDK reads and writes. */
    public static final int CURRENT_VERSION = 1;
    /** Largest manifest accepted. */
    public static final int MAX_BYTES = 16 * 1024;
    /** The suffix that makes an upload a manifest rather than a document. */
    public static final String SUFFIX = ".manifest.json";
    /** Shortest submission id: long enough that a random one does not collide by chance. */
    public static final int MIN_SUBMISSION_ID = 16;
    /** Longest submission id. */
    public static final int MAX_SUBMISSION_ID = 64;

    /** A manifest without a submission id. */
    public Manifest(int version, String reportType, String period, ConfidentialityLevel level, List<String> namedStates,
            boolean withheld) {
        this(version, reportType, period, level, namedStates, withheld, null);
    }

    /** A manifest without a title (the document's name stands in). */
    public Manifest(int version, String reportType, String period, ConfidentialityLevel level, List<String> namedStates,
            boolean withheld, String submissionId) {
        this(version, reportType, period, level, namedStates, withheld, submissionId, null);
    }

    /** @throws IllegalArgumentException naming the first rule the values break */
    public Manifest {
        Rules.require(version == CURRENT_VERSION, "version must be " + CURRENT_VERSION);
        Rules.reportType("reportType", reportType);
        if (period != null) {
            Rules.period("period", period);
        }
        namedStates = Rules.sortedStates("namedStates", namedStates == null ? List.of() : namedStates);
        Rules.require(level == ConfidentialityLevel.NAMED ? !namedStates.isEmpty() : namedStates.isEmpty(),
                "namedStates must be given exactly when level is named");
        Rules.submissionId("submissionId", submissionId);
        if (title != null) {
            DocumentNames.titleProblem(java.text.Normalizer.normalize(title, java.text.Normalizer.Form.NFC)).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
    }

    /** This manifest carrying the given submission id (null: none). */
    public Manifest withSubmissionId(String id) {
        return new Manifest(version, reportType, period, level, namedStates, withheld, id, title);
    }
}
