package org.treatyexchange.server.application;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditRowJson;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.crypto.MasterKeys;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * What the server's operator does to the exchange itself (not to filings): export and verify the audit
 * log, rotate the master key. Operator only; every act is audited, and fails if its audit event cannot
 * be written.
 */
public final class Administration {

    private static final int PAGE = 500;
    private static final int REWRAP_BATCH = 500;

    private final Store store;
    private final MasterKeys masterKeys;
    private final AuditTrail audit;

    public Administration(Store store, MasterKeys masterKeys, AuditTrail audit) {
        this.store = store;
        this.masterKeys = masterKeys;
        this.audit = audit;
    }

    /** Writes every audit event, in seq order, as JSON lines (the offline auditor's copy); returns how many. */
    public long exportAudit(Caller caller, OutputStream out) throws Refusal, IOException {
        requireOperator(caller);
        audit.record(AuditEvent.ok("admin.export-audit", caller.account(), caller.source(), "audit"));
        long count = 0;
        long after = 0;
        while (true) {
            final long from = after;
            List<AuditRow> page;
            try {
                page = store.read(tx -> tx.audit().after(from, PAGE));
            } catch (StoreException e) {
                throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log could not be read", e);
            }
            for (AuditRow row : page) {
                out.write((AuditRowJson.toLine(row) + "\n").getBytes(StandardCharsets.UTF_8));
                after = row.seq();
                count++;
            }
            if (page.size() < PAGE) {
                return count;
            }
        }
    }

    /** Checks the audit log's hash chain from its first event to its head. */
    public AuditVerification verifyAudit(Caller caller) throws Refusal {
        requireOperator(caller);
        try {
            AuditVerification v = AuditVerifier.verify(store);
            audit.record(AuditEvent.ok("admin.verify-audit", caller.account(), caller.source(), v.intact() ? "intact" : "broken"));
            return v;
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log could not be read", e);
        }
    }

    /** The outcome of a master-key rotation. */
    public record Rotation(String previousKeyId, String activeKeyId, long rewrappedDataKeys) {
    }

    /**
     * Adds a new master key and re-wraps every document's data key under it, in batches; documents are
     * not re-encrypted. Old master keys stay in the keystore so that backups remain readable.
     */
    public Rotation rotateMasterKey(Caller caller) throws Refusal {
        requireOperator(caller);
        try {
            String previous = masterKeys.activeKeyId();
            String active = masterKeys.rotate();
            long rewrapped = 0;
            while (true) {
                int n = store.inTransaction(tx -> {
                    List<DocumentKey> batch = tx.documentKeys().notWrappedBy(active, REWRAP_BATCH);
                    for (DocumentKey key : batch) {
                        tx.documentKeys().rewrap(masterKeys.rewrap(key));
                    }
                    return batch.size();
                });
                rewrapped += n;
                if (n == 0) {
                    break;
                }
            }
            audit.record(AuditEvent.ok("admin.rotate-master-key", caller.account(), caller.source(), active)
                    .withDetail("previousKeyId", previous)
                    .withDetail("rewrappedDataKeys", Long.toString(rewrapped)));
            return new Rotation(previous, active, rewrapped);
        } catch (Refusal e) {
            throw e;
        } catch (Exception e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "master key rotation failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    static void requireOperator(Caller caller) throws Refusal {
        if (caller.role() != Caller.Role.OPERATOR) {
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only the operator at the admin socket may do this");
        }
    }
}
