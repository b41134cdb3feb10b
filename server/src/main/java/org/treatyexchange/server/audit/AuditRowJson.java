package org.treatyexchange.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.treatyexchange.server.store.AuditRow;

/**
 * The audit export format: one JSON object per line, every stored field of every event, in seq
 * order. An auditor verifies such a file offline with {@code scripts/admin verify-audit --file}.
 */
public final class AuditRowJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AuditRowJson() {
    }

    public static String toLine(AuditRow r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("seq", r.seq());
        n.put("at", r.at().toString());
        n.put("type", r.type());
        n.put("actor", r.actor());
        n.put("source", r.source());
        n.put("subject", r.subject());
        n.put("outcome", r.outcome());
        n.put("details", r.details());
        n.put("prevHash", r.prevHash());
        n.put("hash", r.hash());
        return n.toString();
    }

    /** Parses one exported line. */
    public static AuditRow fromLine(String line) throws IOException {
        JsonNode n = MAPPER.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IOException("not an audit export line");
        }
        try {
            return new AuditRow(n.path("seq").asLong(-1), Instant.parse(n.path("at").asText()), n.path("type").asText(),
                    n.path("actor").asText(), n.path("source").asText(), n.path("subject").asText(), n.path("outcome").asText(),
                    n.path("details").asText(), n.path("prevHash").asText(), n.path("hash").asText());
        } catch (RuntimeException e) {
            throw new IOException("malformed audit export line");
        }
    }

    /** Reads an export lazily; a malformed line surfaces as an {@link UncheckedIOException}. */
    public static Iterator<AuditRow> rows(BufferedReader reader) {
        return new Iterator<>() {
            private String next = advance();

            private String advance() {
                try {
                    String line;
                    do {
                        line = reader.readLine();
                    } while (line != null && line.isBlank());
                    return line;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public AuditRow next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                try {
                    return fromLine(next);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    next = advance();
                }
            }
        };
    }
}
