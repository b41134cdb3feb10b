package org.treatyexchange.server.filing;

import org.treatyexchange.server.store.SubmissionRecords;

/**
 * The idempotency rule of a submission id: an upload under an id its State already used is the same
 * filing again only when it is the same document (SHA-256), under the same name, for the same report
 * type; anything else under a used id is another document and is refused, never filed over the first.
 */
final class Resend {

    private Resend() {
    }

    /** Whether {@code submission}, whose document has SHA-256 {@code sha256Hex}, repeats what {@code used} recorded. */
    static boolean isSameDocument(SubmissionRecords.Used used, Submission submission, String sha256Hex) {
        return used.sha256().equals(sha256Hex) && used.fileName().equals(submission.fileName())
                && used.reportType().equals(submission.reportType());
    }
}
