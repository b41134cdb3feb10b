package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The strict JSON reader and the canonical writer every wire format shares.
 *
 * <p>Reading: the size is checked before any parsing; the bytes must be valid UTF-8 (no BOM, no
 * UTF-16); Jackson's {@link StreamReadConstraints} refuse deep nesting, long strings and long numbers
 * while tokenizing, so a bomb costs no more than its (bounded) size; duplicate keys and trailing
 * tokens are refused. Field accessors refuse wrong types and {@link #refuseUnknown} refuses unknown
 * fields, so anything this code does not understand fails closed.
 *
 * <p>Writing: {@link ObjectNode}s keep insertion order and Jackson writes them without white space,
 * so a fixed insertion order yields the same bytes for the same value.
 */
final class StrictJson {

    static final int MAX_DEPTH = 16;
    static final int MAX_STRING_CHARS = 64 * 1024;
    static final int MAX_NUMBER_CHARS = 20;

    private static final Pattern INSTANT = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z");

    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxNameLength(256)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static final ObjectMapper WRITER = new ObjectMapper();

    private StrictJson() {
    }

    /** Parses one JSON object of at most {@code maxBytes}; {@code what} names the format in messages. */
    static ObjectNode parseObject(byte[] json, int maxBytes, String what) throws WireFormatException {
        if (json == null) {
            throw new WireFormatException(what + " is missing");
        }
        if (json.length > maxBytes) {
            throw new WireFormatException(what + " exceeds " + maxBytes + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException(what + " is not valid UTF-8");
        }
        JsonNode node;
        try (JsonParser parser = READER.createParser(text)) {
            node = READER.readTree(parser);
            if (parser.nextToken() != null) {
                throw new WireFormatException(what + " is not valid JSON");
            }
        } catch (JsonProcessingException e) {
            throw new WireFormatException(what + " is not valid JSON or exceeds a nesting, string or number limit");
        } catch (IOException e) {
            throw new WireFormatException(what + " is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new WireFormatException(what + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    static byte[] write(ObjectNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON could not be written", e);
        }
    }

    /** Refuses any field outside {@code known}. */
    static void refuseUnknown(ObjectNode n, Set<String> known, String what) throws WireFormatException {
        Iterator<String> names = n.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new WireFormatException(what + " has an unknown field");
            }
        }
    }

    static void version(ObjectNode n, int expected, String what) throws WireFormatException {
        JsonNode v = n.get("version");
        if (v == null || v.isNull()) {
            throw new WireFormatException(what + " field 'version' is missing");
        }
        if (!v.isInt()) {
            throw new WireFormatException(what + " field 'version' must be an integer");
        }
        if (v.intValue() != expected) {
            throw new WireFormatException("unsupported " + what + " version " + v.intValue());
        }
    }

    /** A string that must be present and not null. */
    static String text(ObjectNode n, String field, String what) throws WireFormatException {
        String v = optionalText(n, field, what);
        if (v == null) {
            throw new WireFormatException(what + " field '" + field + "' is missing");
        }
        return v;
    }

    /** A string, or null when the field is absent or null. */
    static String optionalText(ObjectNode n, String field, String what) throws WireFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new WireFormatException(what + " field '" + field + "' must be a string");
        }
        return v.textValue();
    }

    static long nonNegativeLong(ObjectNode n, String field, String what) throws WireFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new WireFormatException(what + " field '" + field + "' is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new WireFormatException(what + " field '" + field + "' must be a non-negative integer");
        }
        return v.longValue();
    }

    static boolean optionalBoolean(ObjectNode n, String field, boolean absent, String what) throws WireFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new WireFormatException(what + " field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    static Instant instant(ObjectNode n, String field, String what) throws WireFormatException {
        String v = text(n, field, what);
        if (!INSTANT.matcher(v).matches()) {
            throw new WireFormatException(what + " field '" + field + "' must be an ISO-8601 UTC instant ending in Z");
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new WireFormatException(what + " field '" + field + "' must be an ISO-8601 UTC instant ending in Z");
        }
    }

    static ConfidentialityLevel optionalLevel(ObjectNode n, String field, String what) throws WireFormatException {
        String v = optionalText(n, field, what);
        if (v == null) {
            return null;
        }
        return ConfidentialityLevel.fromWireName(v)
                .orElseThrow(() -> new WireFormatException(what + " field '" + field + "' is not a known level"));
    }

    /** The array's elements, or an empty list when the field is absent or null. */
    static List<JsonNode> optionalArray(ObjectNode n, String field, int maxItems, String what) throws WireFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new WireFormatException(what + " field '" + field + "' must be an array");
        }
        if (v.size() > maxItems) {
            throw new WireFormatException(what + " field '" + field + "' must have at most " + maxItems + " entries");
        }
        List<JsonNode> items = new ArrayList<>(v.size());
        v.elements().forEachRemaining(items::add);
        return items;
    }

    static List<String> optionalStringArray(ObjectNode n, String field, int maxItems, String what) throws WireFormatException {
        List<String> out = new ArrayList<>();
        for (JsonNode item : optionalArray(n, field, maxItems, what)) {
            if (!item.isTextual()) {
                throw new WireFormatException(what + " field '" + field + "' must contain only strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    static ObjectNode object(JsonNode item, String field, String what) throws WireFormatException {
        if (!item.isObject()) {
            throw new WireFormatException(what + " field '" + field + "' must contain only objects");
        }
        return (ObjectNode) item;
    }

    static ArrayNode strings(ObjectNode parent, String field, List<String> values) {
        ArrayNode a = parent.putArray(field);
        values.forEach(a::add);
        return a;
    }
}
