package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/** Durable by default; weakening it is explicit and every start records it in the audit log. */
class DurabilityTest {

    @TempDir
    Path tmp;

    @Test
    void theShippedConfigurationIsDurableAndAStartWithoutFsyncIsRecordedAsWeakened() throws Exception {
        assertThat(startedDurability(tmp.resolve("durable"), false)).isEqualTo("fsync");
        assertThat(startedDurability(tmp.resolve("weakened"), true)).startsWith("WEAKENED: storage.fsync is false");
    }

    private String startedDurability(Path home, boolean weaken) throws Exception {
        try (TestExchange exchange = TestExchange.start(home, c -> weaken ? new ServerConfig(c.home(), c.registryFile(), c.demo(), c.sftp(),
                c.api(), c.limits(), new ServerConfig.Storage(c.storage().segmentSize(), false), c.database(), c.keys(), c.admin(), c.reportTypes()) : c)) {
            Path audit = tmp.resolve(home.getFileName() + ".jsonl");
            assertThat(exchange.admin("export-audit", "-o", audit.toString())).startsWith("0\n");
            String started = Files.readString(audit).lines().filter(l -> l.contains("\"type\":\"server.started\"")).findFirst().orElseThrow();
            String details = new com.fasterxml.jackson.databind.ObjectMapper().readTree(started).path("details").asText();
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(details).path("durability").asText();
        }
    }
}
