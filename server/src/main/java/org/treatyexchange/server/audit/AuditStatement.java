package org.treatyexchange.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.treatyexchange.sdk.wire.AuditAnchor;

/**
 * What the server signs about its audit chain, as one small JSON object (the content of a CMS
 * SignedData made with the receipt key, which also carries {@link #anchor()} as its signed anchor
 * attribute):
 * <ul>
 * <li>{@code audit-export}: an export ends at event {@code seq} with {@code hash}, holds {@code events}
 * lines, and its bytes have SHA-256 {@code sha256} (written beside the export as {@code <file>.p7s});</li>
 * <li>{@code audit-checkpoint}: at {@code at} the chain's head was event {@code seq} with {@code hash}
 * ({@code events} and {@code sha256} are absent).</li>
 * </ul>
 *
 * @param kind    {@link #EXPORT} or {@link #CHECKPOINT}
 * @param seq     the last event (export) or the head (checkpoint); 0 for an empty chain
 * @param hash    the chain's hash there (64 zeros for an empty chain)
 * @param events  lines in the export; -1 for a checkpoint
 * @param sha256  lower-case hex SHA-256 of the export's bytes; null for a checkpoint
 * @param at      when the server signed it
 */
public record AuditStatement(String kind, long seq, String hash, long events, String sha256, Instant at) {

    public static final String EXPORT = "audit-export";
    public static final String CHECKPOINT = "audit-checkpoint";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> KINDS = Set.of(EXPORT, CHECKPOINT);

    public AuditStatement {
        Objects.requireNonNull(at, "at");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be " + EXPORT + " or " + CHECKPOINT);
        }
        if (seq < 0 || hash == null || !HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException("a statement names a seq (0 or more) and a 64-hex-digit hash");
        }
        if (kind.equals(EXPORT) && (events < 0 || sha256 == null || !HEX64.matcher(sha256).matches())) {
            throw new IllegalArgumentException("an export statement names its event count and SHA-256");
        }
    }

    public static AuditStatement checkpoint(long seq, String hash, Instant at) {
        return new AuditStatement(CHECKPOINT, seq, hash, -1, null, at);
    }

    public static AuditStatement export(long seq, String hash, long events, String sha256, Instant at) {
        return new AuditStatement(EXPORT, seq, hash, events, sha256, at);
    }

    /** The anchor it names; empty for an empty chain. */
    public java.util.Optional<AuditAnchor> anchor() {
        return seq == 0 ? java.util.Optional.empty() : java.util.Optional.of(new AuditAnchor(seq, hash));
    }

    public byte[] toBytes() {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", kind);
        n.put("seq", seq);
        n.put("hash", hash);
        if (kind.equals(EXPORT)) {
            n.put("events", events);
            n.put("sha256", sha256);
        }
        n.put("at", at.toString());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a statement (after its signature was checked). */
    public static AuditStatement fromBytes(byte[] json) throws IOException {
        JsonNode n = JSON.readTree(json);
        if (n == null || !n.isObject()) {
            throw new IOException("not an audit statement");
        }
        try {
            String kind = n.path("kind").asText();
            return new AuditStatement(kind, n.path("seq").asLong(-1), n.path("hash").asText(),
                    kind.equals(EXPORT) ? n.path("events").asLong(-1) : -1,
                    kind.equals(EXPORT) ? n.path("sha256").asText() : null,
                    Instant.parse(n.path("at").asText()));
        } catch (RuntimeException e) {
            throw new IOException("malformed audit statement: " + e.getMessage());
        }
    }
}
