package org.treatyexchange.server.reporting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How the renderers of this package write untrusted values. The registry and filings are validated
 * where they enter, but a renderer re-checks (STYLE habit 7): one value must never add a line to a text
 * document, so that every line can be attributed to the State under which it appears.
 */
final class Text {

    /** Shown instead of a character that could break or reorder the layout. */
    static final char REPLACEMENT = '\uFFFD';

    static final ObjectMapper JSON = new ObjectMapper();

    private Text() {
    }

    /**
     * {@code value} on one line: C0 and C1 controls (line breaks and tab included), DEL, the Unicode
     * line and paragraph separators, bidirectional embeddings, overrides and isolates, and unpaired
     * surrogates each become {@value #REPLACEMENT}.
     */
    static String oneLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else if (Character.isSurrogate(c) || c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Width in code points (a fair measure for the names of States and people in monospace text). */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - width(s)));
    }

    static String write(ObjectNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON could not be written", e);
        }
    }
}
