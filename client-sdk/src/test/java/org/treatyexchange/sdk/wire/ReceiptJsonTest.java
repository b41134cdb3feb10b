package org.treatyexchange.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReceiptJsonTest {

    static Receipt sample(String supersedes) {
        return new Receipt(1, "20261123T031611042Z-7KQ2M9XW4D", "ARC", "arcadia-officer", "SHA256:abc", "sftp", "rapport é.pdf", 42,
                "ab".repeat(32), Instant.parse("2026-11-23T03:16:11.042Z"), "annual-report", "2025",
                ConfidentialityLevel.STATES_PARTIES, supersedes);
    }

    @Test
    void roundTripsEveryField() throws Exception {
        for (Receipt r : new Receipt[] {sample(null), sample("20261122T000000000Z-0000000000")}) {
            assertThat(ReceiptJson.fromBytes(ReceiptJson.toBytes(r))).isEqualTo(r);
        }
    }

    @Test
    void theSameReceiptAlwaysYieldsTheSameBytesInAFixedFieldOrder() {
        String json = new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8));
        assertThat(json).startsWith("{\"version\":1,\"filingId\":").contains("\"level\":\"states-parties\"").doesNotContain("\n");
        assertThat(json.indexOf("\"sha256\"")).isLessThan(json.indexOf("\"receivedAt\""));
    }

    @Test
    void refusesWhatIsNotAVersionOneReceipt() {
        assertThatThrownBy(() -> ReceiptJson.fromBytes("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> ReceiptJson.fromBytes("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(WireFormatException.class);
        String v2 = new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8).replace("\"version\":1", "\"version\":2");
        assertThatThrownBy(() -> ReceiptJson.fromBytes(v2.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("version 2");
        String badLevel = new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8).replace("states-parties", "everyone");
        assertThatThrownBy(() -> ReceiptJson.fromBytes(badLevel.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("level");
        String noSha = new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8).replaceFirst(",\"sha256\":\"[0-9a-f]+\"", "");
        assertThatThrownBy(() -> ReceiptJson.fromBytes(noSha.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("sha256");
        String renamed = new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8).replace("\"sha256\"", "\"sha\"");
        assertThatThrownBy(() -> ReceiptJson.fromBytes(renamed.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown field");
        String surrogate = new String(ReceiptJson.toBytes(sample(null)), StandardCharsets.UTF_8).replace("arcadia-officer", "arc\\udc00");
        assertThatThrownBy(() -> ReceiptJson.fromBytes(surrogate.getBytes(StandardCharsets.UTF_8))).isInstanceOf(WireFormatException.class);
    }

    @Test
    void levelsHaveExactWireNames() {
        assertThat(ConfidentialityLevel.fromWireName("states-parties")).contains(ConfidentialityLevel.STATES_PARTIES);
        assertThat(ConfidentialityLevel.fromWireName("STATES-PARTIES")).isEmpty();
        assertThat(ConfidentialityLevel.fromWireName(null)).isEmpty();
    }
}
