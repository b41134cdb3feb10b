package org.treatyexchange.server.application;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import org.treatyexchange.server.audit.AuditCheckpoints;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.crypto.MasterKeys;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * What the server's operator does to the exchange itself (not to filings): export and verify the audit
 * log, rotate the master key. Operator only; every act is audited, and fails if its audit event cannot
 * be written.
 */
public final class Administration {

    private static final int REWRAP_BATCH = 500;

    private final Store store;
    private final MasterKeys masterKeys;
    private final AuditTrail audit;

    private final ReceiptSigner signer;
    private final AuditCheckpoints checkpoints;
    private final Clock clock;

    public Administration(Store store, MasterKeys masterKeys, AuditTrail audit, ReceiptSigner signer, AuditCheckpoints checkpoints,
            Clock clock) {
        this.store = store;
        this.masterKeys = masterKeys;
        this.audit = audit;
        this.signer = signer;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    /** A signed checkpoint of the audit chain's head: its seq and the server's CMS signature (DER). */
    public record SignedCheckpoint(long seq, byte[] cms) {
    }

    /** Signs a checkpoint of the audit chain's head now (unless the newest one names it already); audited first. */
    public SignedCheckpoint checkpointAudit(Caller caller) throws Refusal {
        requireOperator(caller);
        audit.record(AuditEvent.ok("admin.audit-checkpoint", caller.account(), caller.source(), "audit"));
        try {
            AuditRecords.Checkpoint c = checkpoints.checkpointNow().orElseThrow(() -> new IllegalStateException("the chain is empty"));
            return new SignedCheckpoint(c.seq(), c.cms());
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit checkpoint could not be signed", e);
        }
    }

    /** Every signed checkpoint kept, in seq order (audited). */
    public List<SignedCheckpoint> auditCheckpoints(Caller caller) throws Refusal {
        requireOperator(caller);
        audit.record(AuditEvent.ok("admin.export-checkpoints", caller.account(), caller.source(), "audit"));
        try {
            return checkpoints.all().stream().map(c -> new SignedCheckpoint(c.seq(), c.cms())).toList();
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit checkpoints could not be read", e);
        }
    }

    /** An export written: how many events, and the server's CMS signature over its {@link AuditStatement}. */
    public record AuditExport(long events, byte[] signature) {
    }

    /**
     * Writes every audit event, in seq order, as JSON lines (the offline auditor's copy), and signs what
     * it wrote: the statement names the last event's seq and hash and the bytes' SHA-256, and its signature
     * carries that last event as its anchor, so a cut or rewritten copy no longer matches its signature.
     */
    public AuditExport exportAudit(Caller caller, OutputStream out) throws Refusal, IOException {
        requireOperator(caller);
        audit.record(AuditEvent.ok("admin.export-audit", caller.account(), caller.source(), "audit"));
        return AuditExporter.write(store, signer, clock, out);
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
