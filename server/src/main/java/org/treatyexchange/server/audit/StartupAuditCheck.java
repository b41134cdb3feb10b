package org.treatyexchange.server.audit;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.SignatureCheckException;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * What the server checks before it accepts work: the chain verifies from its first event to its head, and
 * agrees with the newest signed checkpoint, whether kept in the database or beside it. A head moved back
 * over deleted events, or a chain recomputed after an edit, verifies by itself; it does not agree with a
 * checkpoint signed before the tampering.
 */
public final class StartupAuditCheck {

    private StartupAuditCheck() {
    }

    /** One line saying why the chain cannot be trusted; empty when it can. */
    public static Optional<String> problem(Store store, AuditCheckpoints checkpoints, X509Certificate receiptCertificate)
            throws StoreException {
        AuditVerification v = AuditVerifier.verify(store);
        if (!v.intact()) {
            return Optional.of("the audit chain is broken: " + v.problem());
        }
        AuditStatement newest = null;
        String where = null;
        Optional<AuditRecords.Checkpoint> stored = checkpoints.latestStored();
        if (stored.isPresent()) {
            try {
                newest = statement(stored.get().cms(), receiptCertificate);
                where = "the checkpoint signed at " + newest.at();
            } catch (SignatureCheckException | IOException e) {
                return Optional.of("the latest audit checkpoint in the database is not the server's signature: " + e.getMessage());
            }
        }
        try {
            Optional<byte[]> outside = checkpoints.latestOutsideTheDatabase();
            if (outside.isPresent()) {
                AuditStatement s = statement(outside.get(), receiptCertificate);
                if (newest == null || s.seq() > newest.seq()) {
                    newest = s;
                    where = "the checkpoint signed at " + s.at() + " (kept beside the database)";
                }
            }
        } catch (SignatureCheckException | IOException e) {
            return Optional.of("the audit checkpoint kept beside the database is not the server's signature: " + e.getMessage());
        }
        if (newest == null) {
            return Optional.empty();
        }
        AuditRecords.Head head = store.read(tx -> tx.audit().head());
        if (head.seq() < newest.seq()) {
            return Optional.of("the audit chain is cut: it ends at event " + head.seq() + ", but " + where + " names event "
                    + newest.seq());
        }
        long seq = newest.seq();
        List<AuditRow> at = store.read(tx -> tx.audit().after(seq - 1, 1));
        if (at.isEmpty() || at.get(0).seq() != seq || !at.get(0).hash().equals(newest.hash())) {
            return Optional.of("the audit chain was rewritten: event " + seq + " differs from " + where);
        }
        return Optional.empty();
    }

    private static AuditStatement statement(byte[] cms, X509Certificate certificate) throws SignatureCheckException, IOException {
        AuditStatement s = AuditStatement.fromBytes(ReceiptSigner.verify(cms, certificate));
        if (!s.kind().equals(AuditStatement.CHECKPOINT)) {
            throw new IOException("it is a " + s.kind() + ", not a checkpoint");
        }
        return s;
    }
}
