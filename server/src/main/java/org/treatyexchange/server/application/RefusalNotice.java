package org.treatyexchange.server.application;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.treatyexchange.server.store.RefusalNoticeRecords;

/**
 * The notice a refused upload leaves for its State ({@code /receipts/refused/<fileName>} over SFTP): what
 * was refused, when, by which account, the reason code, the server's message and what to do. Plain UTF-8
 * text; never a byte of the document.
 *
 * @param fileName the notice's own name: {@code <refused-at>-<tag>-<the document's name, made safe>.txt}
 * @param reason the refusal's stable code, e.g. {@code invalid-period}
 */
public record RefusalNotice(String fileName, String target, String reason, String message, Instant refusedAt, Instant expiresAt,
        byte[] text) {

    static RefusalNotice of(RefusalNoticeRecords.Notice n) {
        String text = "Treaty Exchange: upload refused\n"
                + "\n"
                + "What:        " + n.target() + "\n"
                + "When:        " + n.refusedAt() + "\n"
                + "Account:     " + n.account() + " (" + n.channel() + ")\n"
                + "Reason code: " + n.reason() + "\n"
                + "Why:         " + n.message() + "\n"
                + "Received:    " + n.bytesReceived() + " bytes; nothing of the upload was kept and nothing was filed.\n"
                + "\n"
                + "What to do:  " + advice(n.reason()) + "\n"
                + "\n"
                + "This notice is removed after " + n.expiresAt() + ".\n";
        return new RefusalNotice(n.fileName(), n.target(), n.reason(), n.message(), n.refusedAt(), n.expiresAt(),
                text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next step for each reason a State can meet when it uploads. */
    static String advice(String code) {
        return switch (code) {
            case "invalid-name" -> "rename the file as the reason says and upload it again.";
            case "unknown-report-type" -> "upload into one of the report types' folders listed in /submit/.";
            case "invalid-period" -> "write a manifest (<document name>.manifest.json) that gives the reporting period into the same"
                    + " folder, then upload the document again.";
            case "invalid-routing" -> "for the named level, first write a manifest (<document name>.manifest.json) naming the States"
                    + " Parties that may read the report; or upload into another level's folder.";
            case "invalid-content" -> "correct the document's format as the reason says and upload it again.";
            case "malformed" -> "correct the manifest as the reason says and write it again.";
            case "duplicate-id" -> "use a new submissionId in the manifest for a new document or version.";
            case "too-large" -> "the document is larger than the server accepts; ask the secretariat.";
            case "quota-exceeded" -> "the account's storage quota is used up (uploads in progress count too); wait for them to"
                    + " finish, or ask the secretariat to raise the quota.";
            case "storage-full", "unavailable" -> "the server could not keep the upload; upload it again later, and tell the"
                    + " secretariat if it persists.";
            case "forbidden" -> "this account may not do this; ask your State's administrator.";
            default -> "correct what the reason says and upload again; the secretariat sees this refusal in its audit log.";
        };
    }
}
