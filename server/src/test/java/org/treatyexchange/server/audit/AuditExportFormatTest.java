package org.treatyexchange.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.server.store.AuditRow;

/**
 * What an auditor reads offline: the export's lines ({@link AuditRowJson}) and the statement the server signs
 * about an export or a checkpoint ({@link AuditStatement}). A line or statement that does not parse is refused
 * as malformed, never read as something else; every field survives the round trip, so the hashes recompute.
 */
class AuditExportFormatTest {

    static final String H = "ab".repeat(32);
    static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void everyFieldOfAnEventSurvivesTheExportLineAndItsHashStillChecks() throws IOException {
        List<AuditRow> chain = Chains.of(3);
        StringBuilder export = new StringBuilder();
        for (AuditRow r : chain) {
            export.append(AuditRowJson.toLine(r)).append("\n\n"); // blank lines between events are skipped
        }
        List<AuditRow> read = new ArrayList<>();
        AuditRowJson.rows(new BufferedReader(new StringReader(export.toString()))).forEachRemaining(read::add);
        assertThat(read).isEqualTo(chain);
        assertThat(AuditVerifier.verifyRows(read.iterator()).intact()).isTrue();
    }

    @Test
    void aLineThatIsNotAnObjectOrLacksATimeIsMalformed() {
        assertThatThrownBy(() -> AuditRowJson.fromLine("[1,2]")).isInstanceOf(IOException.class).hasMessage("not an audit export line");
        assertThatThrownBy(() -> AuditRowJson.fromLine("{\"seq\":1}")).isInstanceOf(IOException.class)
                .hasMessage("malformed audit export line");
    }

    @Test
    void aMalformedLineInAnExportSurfacesWhenItIsReached() {
        String export = AuditRowJson.toLine(Chains.of(1).get(0)) + "\n{\"seq\":2}\n";
        Iterator<AuditRow> rows = AuditRowJson.rows(new BufferedReader(new StringReader(export)));
        assertThat(rows.next().seq()).isEqualTo(1);
        assertThat(rows.hasNext()).isTrue();
        assertThatThrownBy(rows::next).isInstanceOf(UncheckedIOException.class);
        assertThat(rows.hasNext()).isFalse();
        assertThatThrownBy(rows::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void anExportStatementRoundTripsAndNamesItsLastEventAsAnchor() throws IOException {
        AuditStatement s = AuditStatement.export(42, H, 42, "cd".repeat(32), AT);
        assertThat(new String(s.toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"audit-export\",\"seq\":42,\"hash\":\"" + H
                + "\",\"events\":42,\"sha256\":\"" + "cd".repeat(32) + "\",\"at\":\"2026-12-01T08:00:00Z\"}");
        assertThat(AuditStatement.fromBytes(s.toBytes())).isEqualTo(s);
        assertThat(s.anchor()).contains(new AuditAnchor(42, H));
    }

    @Test
    void aCheckpointCarriesNeitherCountNorDigest() throws IOException {
        AuditStatement s = AuditStatement.checkpoint(7, H, AT);
        assertThat(new String(s.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"kind\":\"audit-checkpoint\",\"seq\":7,\"hash\":\"" + H + "\",\"at\":\"2026-12-01T08:00:00Z\"}");
        AuditStatement read = AuditStatement.fromBytes(s.toBytes());
        assertThat(read).isEqualTo(s);
        assertThat(read.events()).isEqualTo(-1);
        assertThat(read.sha256()).isNull();
    }

    @Test
    void theStatementOfAnEmptyChainNamesNoAnchor() {
        assertThat(AuditStatement.checkpoint(0, AuditChain.GENESIS, AT).anchor()).isEqualTo(Optional.empty());
        assertThat(AuditStatement.checkpoint(1, AuditChain.GENESIS, AT).anchor()).isPresent();
    }

    @Test
    void aStatementWithAnUnknownKindABadHashOrANegativeSeqIsRefused() {
        assertThatThrownBy(() -> new AuditStatement("audit-other", 1, H, -1, null, AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditStatement.checkpoint(-1, H, AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditStatement.checkpoint(1, H.toUpperCase(), AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditStatement.checkpoint(1, null, AT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExportStatementMustNameItsCountAndDigest() {
        assertThatThrownBy(() -> AuditStatement.export(1, H, -1, H, AT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an export statement names its event count and SHA-256");
        assertThatThrownBy(() -> AuditStatement.export(1, H, 1, null, AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditStatement.export(1, H, 1, "xyz", AT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AuditStatement.export(0, AuditChain.GENESIS, 0, H, AT).events()).isZero();
    }

    @Test
    void aStatementThatDoesNotParseIsMalformedNotDefaulted() {
        assertThatThrownBy(() -> AuditStatement.fromBytes("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class)
                .hasMessage("not an audit statement");
        // an export statement whose count went missing is not read as a checkpoint
        assertThatThrownBy(() -> AuditStatement.fromBytes(("{\"kind\":\"audit-export\",\"seq\":4,\"hash\":\"" + H + "\",\"sha256\":\""
                + H + "\",\"at\":\"2026-12-01T08:00:00Z\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("malformed audit statement");
        assertThatThrownBy(() -> AuditStatement.fromBytes(("{\"kind\":\"audit-checkpoint\",\"hash\":\"" + H
                + "\",\"at\":\"2026-12-01T08:00:00Z\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("malformed audit statement");
    }
}
