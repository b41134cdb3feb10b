package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.admin.AdminCli;
import org.treatyexchange.server.audit.AuditRowJson;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.jdbc.DatabaseTampering;

/**
 * {@code scripts/start} as an operator runs it (the server in its own JVM): on a chain cut behind its
 * signed checkpoint it does not start, says why in one line and exits 2; started once with
 * {@code --start-on-broken-audit-chain} it runs, and that start is in the audit log.
 */
class BrokenChainStartTest {

    @TempDir
    Path tmp;

    static String admin(Path home, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int code = AdminCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
        return code + "\n" + out;
    }

    @Test
    void aCutChainStopsTheStartInOneLineAndTheOverrideIsAudited() throws Exception {
        Path home = tmp.resolve("home");
        Path export = tmp.resolve("before.jsonl");
        try (ServerProcess server = ServerProcess.start(home, "256m")) {
            assertThat(admin(home, "checkpoint")).startsWith("0\n");
            assertThat(admin(home, "export-audit", "-o", export.toString())).startsWith("0\n");
        }
        AuditRow first = AuditRowJson.fromLine(Files.readAllLines(export).get(0));
        DatabaseTampering.cutAuditChain(home.resolve("db").resolve("exchange"), 1, first.hash());

        assertThatThrownBy(() -> ServerProcess.start(home, "256m")).isInstanceOf(IOException.class)
                .hasMessageContaining("the server exited with 2")
                .hasMessageContaining("cannot start: the audit chain is cut: it ends at event 1, but the checkpoint signed at")
                .hasMessageContaining("--start-on-broken-audit-chain (audited)");

        try (ServerProcess server = ServerProcess.start(home, "256m", "--start-on-broken-audit-chain")) {
            Path after = tmp.resolve("after.jsonl");
            assertThat(admin(home, "export-audit", "-o", after.toString())).startsWith("0\n");
            assertThat(Files.readAllLines(after)).anyMatch(l -> l.contains("\"server.started-on-broken-chain\"")
                    && l.contains("the audit chain is cut"));
        }
    }
}
