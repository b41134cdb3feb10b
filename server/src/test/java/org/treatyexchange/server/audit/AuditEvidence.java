package org.treatyexchange.server.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.store.AuditRow;

/**
 * What a State and an auditor hold in the tests of provable history: receipts fetched over SFTP as a
 * State would, exports written by {@code export-audit}, and what a forger does to an export's lines
 * (recomputing the chain after an edit, so that the chain alone still verifies).
 */
final class AuditEvidence {

    private AuditEvidence() {
    }

    /** Files {@code content} at {@code path} as {@code account} and saves its new receipt in {@code receipts}; returns the receipt's file. */
    static Path fileAndKeepReceipt(TestExchange exchange, String account, String path, byte[] content, Path receipts) throws Exception {
        Files.createDirectories(receipts);
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
            List<String> before = names(sftp);
            try (OutputStream out = sftp.write(path)) {
                out.write(content);
            }
            List<String> after = names(sftp);
            after.removeAll(before);
            if (after.size() != 1) {
                throw new IllegalStateException("expected one new receipt, found " + after);
            }
            Path kept = receipts.resolve(after.get(0));
            try (InputStream in = sftp.read("/receipts/" + after.get(0))) {
                Files.write(kept, in.readAllBytes());
            }
            return kept;
        }
    }

    private static List<String> names(SftpClient sftp) throws IOException {
        List<String> names = new ArrayList<>();
        for (SftpClient.DirEntry e : sftp.readDir("/receipts")) {
            if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                names.add(e.getFilename());
            }
        }
        return names;
    }

    /** {@code export-audit -o target}; fails unless it succeeded. */
    static Path export(TestExchange exchange, Path target) {
        String answer = exchange.admin("export-audit", "-o", target.toString());
        if (!answer.startsWith("0\n")) {
            throw new IllegalStateException("export-audit failed: " + answer);
        }
        return target;
    }

    static List<AuditRow> rows(Path export) throws IOException {
        List<AuditRow> rows = new ArrayList<>();
        for (String line : Files.readAllLines(export)) {
            rows.add(AuditRowJson.fromLine(line));
        }
        return rows;
    }

    static void write(Path target, List<AuditRow> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        rows.forEach(r -> lines.add(AuditRowJson.toLine(r)));
        Files.write(target, lines);
    }

    /**
     * The forger's rewrite: event {@code seq} gets another subject and every hash from it on is recomputed,
     * so the chain verifies by itself.
     */
    static List<AuditRow> rewrite(List<AuditRow> rows, long seq, String subject) {
        List<AuditRow> out = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (AuditRow r : rows) {
            if (r.seq() < seq) {
                out.add(r);
                prev = r.hash();
                continue;
            }
            AuditRow unsigned = new AuditRow(r.seq(), r.at(), r.type(), r.actor(), r.source(), r.seq() == seq ? subject : r.subject(),
                    r.outcome(), r.details(), prev, null);
            AuditRow chained = new AuditRow(unsigned.seq(), unsigned.at(), unsigned.type(), unsigned.actor(), unsigned.source(),
                    unsigned.subject(), unsigned.outcome(), unsigned.details(), prev, AuditChain.hash(unsigned));
            out.add(chained);
            prev = chained.hash();
        }
        return out;
    }

    static AuditRow row(List<AuditRow> rows, long seq) {
        return rows.stream().filter(r -> r.seq() == seq).findFirst().orElseThrow();
    }
}
