package org.treatyexchange.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.treatyexchange.server.store.AuditRow;

/**
 * The chain's hash, defined once for the writer and the verifier.
 *
 * <pre>
 * hash  = lower-hex( SHA-256( UTF-8( prevHash + "\n" + body ) ) )
 * body  = f("seq", decimal seq) + f("at", at) + f("type", type) + f("actor", actor)
 *       + f("source", source) + f("subject", subject) + f("outcome", outcome) + f("details", details)
 * f(name, value) = name + ":" + (length of value in UTF-8 bytes, decimal) + ":" + value + "\n"
 * at    = UTC, always millisecond precision: uuuu-MM-dd'T'HH:mm:ss.SSS'Z', e.g. 2026-11-23T03:16:11.120Z
 * </pre>
 *
 * The length prefixes make it unambiguous whatever the values contain (newlines, colons…); details
 * is hashed exactly as stored (canonical JSON, keys sorted). The first event's prevHash is 64 zeros.
 * An auditor can recompute it in a few lines of any language.
 */
final class AuditChain {

    static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private AuditChain() {
    }

    /** The hash {@code row} must carry, from its own fields and its prevHash. */
    static String hash(AuditRow row) {
        StringBuilder s = new StringBuilder(256 + row.details().length());
        s.append(row.prevHash()).append('\n');
        field(s, "seq", Long.toString(row.seq()));
        field(s, "at", formatAt(row.at()));
        field(s, "type", row.type());
        field(s, "actor", row.actor());
        field(s, "source", row.source());
        field(s, "subject", row.subject());
        field(s, "outcome", row.outcome());
        field(s, "details", row.details());
        return HexFormat.of().formatHex(sha256().digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    }

    static String formatAt(Instant at) {
        return AT.format(at);
    }

    private static void field(StringBuilder s, String name, String value) {
        String v = value == null ? "" : value;
        s.append(name).append(':').append(v.getBytes(StandardCharsets.UTF_8).length).append(':').append(v).append('\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
