package org.treatyexchange.server.application;

import java.io.Closeable;
import org.treatyexchange.server.filing.FilingService;

/**
 * One document being uploaded into a drop folder (SFTP, and the portal's form): bytes are hashed and
 * encrypted as they arrive; it becomes a filing only on {@link #commit()}. Not thread-safe: one
 * channel writes it in order.
 */
public final class Upload implements Closeable {

    private final FilingService.Intake intake;

    Upload(FilingService.Intake intake) {
        this.intake = intake;
    }

    /** Bytes received so far. */
    public long size() {
        return intake.size();
    }

    /** Appends document bytes; refuses (and discards everything) past the size limit or quota. */
    public void write(byte[] b, int off, int len) throws Refusal {
        intake.write(b, off, len);
    }

    /** Makes the filing durable (document, record, receipt, audit event) and returns it with its signed receipt. */
    public Filed commit() throws Refusal {
        FilingService.Accepted accepted = intake.commit();
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
