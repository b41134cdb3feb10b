package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.jdbc.DatabaseTampering;

/**
 * The penetration test, in the database (Derby and PostgreSQL), with the server stopped: events
 * deleted and the head moved back, or an event edited and the chain recomputed after it. Either verifies
 * by itself ("intact"); the server now refuses to start on it (its signed checkpoint disagrees), and an
 * auditor with the server's signed export and a handful of States' receipts finds it offline and names
 * the event.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class ProvableHistoryTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path tmp;

    TestDatabase database;
    TestExchange exchange;
    Path receipts;

    @BeforeEach
    void fileFourNotesAndCheckpoint() throws Exception {
        database = TestDatabase.create(kind);
        exchange = TestExchange.start(tmp.resolve("home"), database);
        receipts = tmp.resolve("receipts");
        for (int i = 0; i < 4; i++) {
            AuditEvidence.fileAndKeepReceipt(exchange, "borealia-officer", "/submit/correspondence/secretariat/note-" + i + ".txt",
                    ("note " + i).getBytes(StandardCharsets.UTF_8), receipts);
        }
        // the hourly checkpoint, now
        assertThat(exchange.admin("checkpoint")).startsWith("0\n").contains("audit checkpoint at event");
    }

    @AfterEach
    void stop() throws Exception {
        if (exchange != null) {
            exchange.close();
        }
        database.close();
    }

    private void tamper(DatabaseTampering.Tampering change) throws Exception {
        exchange.stop();
        DatabaseTampering.on(database, tmp.resolve("home").resolve("db").resolve("exchange"), change);
    }

    private List<AuditAnchor> anchors() throws Exception {
        List<AuditAnchor> out = new ArrayList<>();
        try (var files = Files.list(receipts)) {
            for (Path f : files.toList()) {
                out.add(ReceiptSigner.anchorOf(Files.readAllBytes(f)).orElseThrow());
            }
        }
        out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return out;
    }

    @Test
    void eventsDeletedAndTheHeadMovedBackStopTheStartAndTheReceiptsNameTheEvent() throws Exception {
        List<AuditRow> before = AuditEvidence.rows(AuditEvidence.export(exchange, tmp.resolve("before.jsonl")));
        long third = anchors().get(2).seq();
        long keep = third - 1;
        tamper(() -> {
            DatabaseTampering.cutAuditChain(null, keep, AuditEvidence.row(before, keep).hash());
            DatabaseTampering.deleteAuditCheckpoints(null); // the copy beside the database is out of its reach
        });

        // the chain verifies by itself, but not against the checkpoint signed before the cut: no start
        assertThatThrownBy(exchange::restart).isInstanceOf(BrokenChainException.class)
                .hasMessageContaining("the audit chain is cut: it ends at event " + keep)
                .hasMessageContaining("kept beside the database").hasMessageContaining("--start-on-broken-audit-chain");

        // started once, as told (and audited), the server signs an export of what it now has
        exchange.restartOnBrokenChain();
        Path export = AuditEvidence.export(exchange, tmp.resolve("after.jsonl"));
        assertThat(AuditEvidence.rows(export)).anyMatch(r -> r.type().equals("server.started-on-broken-chain")
                && r.details().contains("the audit chain is cut"));
        assertThat(exchange.admin("verify-audit", "--file", export.toString())).startsWith("0\n").contains("VERIFIED"); // alone: fine
        assertThat(exchange.admin("verify-audit", "--file", export.toString(), "--anchors", receipts.toString()))
                .startsWith("1\n").contains("audit export REWRITTEN at event " + third + ":").contains("the receipt of filing");
    }

    @Test
    void anEventEditedAndTheChainRecomputedAfterItStopsTheStartAndTheReceiptsNameTheEvent() throws Exception {
        List<AuditRow> before = AuditEvidence.rows(AuditEvidence.export(exchange, tmp.resolve("before.jsonl")));
        List<AuditAnchor> anchors = anchors();
        long second = anchors.get(1).seq();
        List<AuditRow> rewritten = AuditEvidence.rewrite(before, second, "F-forged").subList((int) second - 1, before.size());
        tamper(() -> DatabaseTampering.rewriteAuditEvents(null, rewritten));

        assertThatThrownBy(exchange::restart).isInstanceOf(BrokenChainException.class)
                .hasMessageContaining("the audit chain was rewritten: event").hasMessageContaining("differs from the checkpoint signed at");

        exchange.restartOnBrokenChain();
        assertThat(exchange.admin("verify-audit")).startsWith("0\n").contains("intact"); // what it said before the anchors
        Path export = AuditEvidence.export(exchange, tmp.resolve("after.jsonl"));
        assertThat(exchange.admin("verify-audit", "--file", export.toString(), "--anchors", receipts.toString()))
                .startsWith("1\n").contains("audit export REWRITTEN at event " + second + ":")
                .contains("after event " + anchors.get(0).seq());
        // the server's own checkpoints, exported, say the same
        Path checkpoints = tmp.resolve("checkpoints");
        assertThat(exchange.admin("export-checkpoints", "-o", checkpoints.toString())).startsWith("0\n");
        assertThat(exchange.admin("verify-audit", "--file", export.toString(), "--anchors", checkpoints.toString()))
                .startsWith("1\n").contains("audit export REWRITTEN").contains("the checkpoint of");
    }
}
