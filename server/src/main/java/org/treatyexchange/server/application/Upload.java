package org.treatyexchange.server.application;

import java.io.Closeable;
import org.treatyexchange.server.filing.FilingService;

/**
 * One document being uploaded into a drop folder (SFTP, and the portal's form): bytes are hashed and
 * encrypted as they arrive; it becomes a filing only on {@link #commit()}. A refusal leaves its State a
 * notice ({@link RefusalNotices}). Not thread-safe: one channel writes it in order.
 */
public final class Upload implements Closeable {

    private final FilingService.Intake intake;
    private final Caller caller;
    private final String target;
    private final RefusalNotices notices;

    Upload(FilingService.Intake intake, Caller caller, String target, RefusalNotices notices) {
        this.intake = intake;
        this.caller = caller;
        this.target = target;
        this.notices = notices;
    }

    /** Bytes received so far. */
    public long size() {
        return intake.size();
    }

    /** Appends document bytes; refuses (and discards everything) past the size limit or quota. */
    public void write(byte[] b, int off, int len) throws Refusal {
        long before = intake.size();
        try {
            intake.write(b, off, len);
        } catch (Refusal r) {
            notices.note(caller, target, r, before + len);
            throw r;
        }
    }

    /** Makes the filing durable (document, record, receipt, audit event) and returns it with its signed receipt. */
    public Filed commit() throws Refusal {
        FilingService.Accepted accepted;
        try {
            accepted = intake.commit();
        } catch (Refusal r) {
            notices.note(caller, target, r, intake.size());
            throw r;
        }
        return new Filed(Filing.of(accepted.filing()), accepted.signedReceipt());
    }

    /** Discards what was received, auditing {@code why}. Safe to call more than once. */
    public void abort(String why) {
        intake.abort(why);
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        intake.close();
    }

    /** An accepted filing and its server-signed receipt (CMS, DER). */
    public record Filed(Filing filing, byte[] signedReceipt) {
    }
}
