package org.treatyexchange.server.application;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.filing.Submission;

/**
 * The documents of one filing form (the portal's "file a report"): each document is hashed and encrypted
 * as it arrives, stored but not recorded; {@link #commit()} records them all, each with its own receipt,
 * in one transaction — all or nothing. Until then nothing is visible; {@link #close()} discards what was
 * received. Not thread-safe: one request feeds it in order.
 */
public final class FilingBatch implements Closeable {

    private final FilingService filings;
    private final FilingRules rules;
    private final Submission template;
    private final String fixedName;
    private final int maxDocuments;
    private final List<FilingService.Received> received = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private FilingService.Intake current;
    private boolean done;

    FilingBatch(FilingService filings, FilingRules rules, Submission template, String fixedName, int maxDocuments) {
        this.filings = filings;
        this.rules = rules;
        this.template = template;
        this.fixedName = fixedName;
        this.maxDocuments = maxDocuments;
    }

    /**
     * Starts the next document. {@code name} is the browser's file name; a new version keeps the name of
     * the filing it replaces (that is what makes it supersede it), whatever the file was called.
     */
    public void startDocument(String name) throws Refusal {
        if (done || current != null) {
            throw new IllegalStateException("a document is already open, or the batch is finished");
        }
        if (received.size() >= maxDocuments || (fixedName != null && !received.isEmpty())) {
            throw fail(new Refusal(Refusal.Reason.TOO_LARGE, fixedName != null ? "a new version is one document"
                    : "at most " + maxDocuments + " documents in one filing"));
        }
        String nfc;
        try {
            nfc = fixedName != null ? fixedName : rules.documentName(name);
        } catch (Refusal r) {
            throw fail(r);
        }
        if (!names.add(nfc)) {
            throw fail(new Refusal(Refusal.Reason.INVALID_NAME, "two documents are named " + FilingRules.printable(nfc)));
        }
        Submission t = template;
        try {
            current = filings.begin(t.named(nfc));
        } catch (Refusal r) {
            throw fail(r);
        }
    }

    /** Appends bytes to the open document; refuses (and discards the whole batch) past the size limit or quota. */
    public void write(byte[] b, int off, int len) throws Refusal {
        if (current == null) {
            throw new IllegalStateException("no document is open");
        }
        try {
            current.write(b, off, len);
        } catch (Refusal r) {
            current = null; // the intake discarded itself and audited why
            throw fail(r);
        }
    }

    /** The open document's last byte has arrived: it is sealed and stored (not yet recorded). */
    public void endDocument() throws Refusal {
        if (current == null) {
            throw new IllegalStateException("no document is open");
        }
        FilingService.Intake intake = current;
        current = null;
        try {
            received.add(intake.finish());
        } catch (Refusal r) {
            throw fail(r);
        }
    }

    /** How many documents were received whole so far. */
    public int documents() {
        return received.size();
    }

    /** Records every document as a filing, each with its signed receipt, in one transaction. */
    public List<Upload.Filed> commit() throws Refusal {
        if (done || current != null) {
            throw new IllegalStateException("a document is still open, or the batch is finished");
        }
        if (received.isEmpty()) {
            throw fail(new Refusal(Refusal.Reason.MALFORMED, "choose at least one document"));
        }
        done = true;
        List<FilingService.Accepted> accepted = filings.record(List.copyOf(received), (tx, f, at) -> {
        });
        received.clear();
        return accepted.stream().map(a -> new Upload.Filed(Filing.of(a.filing()), a.signedReceipt())).toList();
    }

    private Refusal fail(Refusal why) {
        discard(why);
        return why;
    }

    private void discard(Refusal why) {
        done = true;
        if (current != null) {
            current.abort(why.code());
            current = null;
        }
        if (!received.isEmpty()) {
            filings.discard(List.copyOf(received), why);
            received.clear();
        }
    }

    /** Discards everything received unless committed. Always safe to call. */
    @Override
    public void close() {
        if (!done || current != null || !received.isEmpty()) {
            discard(new Refusal(Refusal.Reason.MALFORMED, "incomplete"));
        }
    }
}
