package org.treatyexchange.server.application;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import org.treatyexchange.server.audit.AuditRowJson;
import org.treatyexchange.server.audit.AuditStatement;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Writes the auditor's copy of the audit log — every event in seq order as JSON lines — and signs what it
 * wrote (see {@link Administration#exportAudit}); one writer for the admin CLI's {@code export-audit} and the
 * console's download, so that both are verified by {@code scripts/admin verify-audit --file}.
 */
final class AuditExporter {

    private static final int PAGE = 500;

    private AuditExporter() {
    }

    static Administration.AuditExport write(Store store, ReceiptSigner signer, Clock clock, OutputStream out) throws Refusal, IOException {
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        DigestOutputStream digested = new DigestOutputStream(out, sha256);
        long count = 0;
        long after = 0;
        String lastHash = "0".repeat(64);
        while (true) {
            final long from = after;
            List<AuditRow> page;
            try {
                page = store.read(tx -> tx.audit().after(from, PAGE));
            } catch (StoreException e) {
                throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log could not be read", e);
            }
            for (AuditRow row : page) {
                digested.write((AuditRowJson.toLine(row) + "\n").getBytes(StandardCharsets.UTF_8));
                after = row.seq();
                lastHash = row.hash();
                count++;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        AuditStatement statement = AuditStatement.export(after, lastHash, count, HexFormat.of().formatHex(sha256.digest()),
                clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return new Administration.AuditExport(count, signer.sign(statement.toBytes(), statement.anchor().orElse(null)));
    }
}
