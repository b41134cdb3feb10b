package org.treatyexchange.sdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Manifest;

/**
 * One document to file through the SFTP drop box ({@link ExchangeClient#submit}). It goes to
 * {@code /submit/<reportType>/<level>/<name>}, after a manifest ({@code <name>.manifest.json}) that
 * carries the period, named States and withheld flag given here, and the submission id: the exchange's
 * idempotency key, so that a retry of the upload can never become a second filing (see
 * {@link org.treatyexchange.sdk.wire.Manifest#submissionId()}).
 *
 * @param file        the document on the local disk
 * @param name        the name it is filed under (default: the file's name); stored NFC-normalised
 * @param reportType  a report type the exchange knows, e.g. {@code annual-report}
 * @param level       the confidentiality level (the drop folder), or null: the State's standing instruction for the
 *                    report type applies (else the report type's default), as for a document dropped in
 *                    {@code /submit/<reportType>/}
 * @param period      reporting period ({@code 2025} or {@code 2024-2025}), or null
 * @param namedStates for {@link ConfidentialityLevel#NAMED}: the States that may read it (sorted for you); empty otherwise
 * @param withheld    ATT Art. 13.3: the State withheld commercially sensitive or national-security information
 * @param newVersion  file it even when the same document is already the current filing under this name
 *                    (by default that is answered with the existing receipt, so a rerun files nothing twice)
 * @param submissionId the submission id to file it under, or null (then {@link ExchangeClient#submit} draws a
 *                    random one, used by every retry of that call); 16 to 64 characters of {@code A-Z a-z 0-9 . _ -},
 *                    unique per State. Give your own (e.g. derived from your system's record id) to make a rerun of
 *                    the same job idempotent even with {@link #asNewVersion()}: a document already filed under it is
 *                    answered with its existing receipt, another document under it is refused
 * @param title       the filing's title (1 to 300 characters, carried by the manifest), or null: the exchange shows the
 *                    document's name instead
 */
public record FilingRequest(Path file, String name, String reportType, ConfidentialityLevel level, String period,
        List<String> namedStates, boolean withheld, boolean newVersion, String submissionId, String title) {

    /** @throws IllegalArgumentException naming the first rule the values break */
    public FilingRequest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reportType, "reportType");
        name = Normalizer.normalize(name == null ? String.valueOf(file.getFileName()) : name, Normalizer.Form.NFC);
        if (name.isEmpty() || name.contains("/") || name.endsWith(Manifest.SUFFIX)) {
            throw new IllegalArgumentException("the name must be a plain file name that does not end in " + Manifest.SUFFIX);
        }
        namedStates = List.copyOf(new java.util.TreeSet<>(namedStates == null ? List.of() : namedStates)); // sorted, no repeats, as the manifest wants
        // the manifest's own rules (report type, period, named States, submission id) fail here, before
        // connecting; only "named needs States" waits for submit, so that of(…, NAMED).withNamedStates(…) can be written
        boolean namesPending = level == ConfidentialityLevel.NAMED && namedStates.isEmpty();
        manifestOf(reportType, namesPending ? null : level, period, namedStates, withheld, submissionId, title);
    }

    /** A request without a title of its own (the exchange shows the document's name). */
    public FilingRequest(Path file, String name, String reportType, ConfidentialityLevel level, String period,
            List<String> namedStates, boolean withheld, boolean newVersion, String submissionId) {
        this(file, name, reportType, level, period, namedStates, withheld, newVersion, submissionId, null);
    }

    /** A request without a submission id of its own (submit draws one). */
    public FilingRequest(Path file, String name, String reportType, ConfidentialityLevel level, String period,
            List<String> namedStates, boolean withheld, boolean newVersion) {
        this(file, name, reportType, level, period, namedStates, withheld, newVersion, null, null);
    }

    /** A request with the file's own name and nothing but a report type and level. */
    public static FilingRequest of(Path file, String reportType, ConfidentialityLevel level) {
        return new FilingRequest(file, null, reportType, level, null, List.of(), false, false);
    }

    /** This request filed under another name. */
    public FilingRequest withName(String newName) {
        return new FilingRequest(file, newName, reportType, level, period, namedStates, withheld, newVersion, submissionId, title);
    }

    /** This request for a reporting period. */
    public FilingRequest withPeriod(String newPeriod) {
        return new FilingRequest(file, name, reportType, level, newPeriod, namedStates, withheld, newVersion, submissionId, title);
    }

    /** This request readable by the given States (level {@link ConfidentialityLevel#NAMED}). */
    public FilingRequest withNamedStates(List<String> states) {
        return new FilingRequest(file, name, reportType, level, period, states, withheld, newVersion, submissionId, title);
    }

    /** This request with the withheld flag set as given. */
    public FilingRequest withWithheld(boolean flag) {
        return new FilingRequest(file, name, reportType, level, period, namedStates, flag, newVersion, submissionId, title);
    }

    /** This request filed even when an identical document is already current under its name. */
    public FilingRequest asNewVersion() {
        return new FilingRequest(file, name, reportType, level, period, namedStates, withheld, true, submissionId, title);
    }

    /**
     * This request under the given submission id (null: a random one per {@link ExchangeClient#submit} call).
     *
     * @throws IllegalArgumentException when it is not 16 to 64 characters of {@code A-Z a-z 0-9 . _ -}
     */
    public FilingRequest withSubmissionId(String id) {
        return new FilingRequest(file, name, reportType, level, period, namedStates, withheld, newVersion, id, title);
    }

    /**
     * This request under the given title (null: the document's name stands in).
     *
     * @throws IllegalArgumentException when it is not 1 to 300 characters or holds control, invisible or text-direction characters
     */
    public FilingRequest withTitle(String newTitle) {
        return new FilingRequest(file, name, reportType, level, period, namedStates, withheld, newVersion, submissionId, newTitle);
    }

    /**
     * The manifest written before the document: what the folder cannot say, and the submission id
     * ({@code submissionId} of this request if it has one, else {@code drawn}).
     */
    Manifest manifest(String drawn) {
        return manifestOf(reportType, level, period, namedStates, withheld, submissionId != null ? submissionId : drawn, title);
    }

    private static Manifest manifestOf(String reportType, ConfidentialityLevel level, String period, List<String> namedStates,
            boolean withheld, String submissionId, String title) {
        return new Manifest(Manifest.CURRENT_VERSION, reportType, period, level, namedStates, withheld, submissionId, title);
    }

    /** The folder it is dropped into. */
    String folder() {
        return level == null ? "/submit/" + reportType : "/submit/" + reportType + "/" + level.wireName();
    }

    boolean fileIsRegular() {
        return Files.isRegularFile(file);
    }
}
