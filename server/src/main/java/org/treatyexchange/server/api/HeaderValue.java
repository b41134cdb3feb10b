package org.treatyexchange.server.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Refusal.Reason;

/**
 * A header value with parameters, as in {@code Content-Type} and {@code Content-Disposition}:
 * {@code value *( OWS ";" OWS name "=" ( token / quoted-string ) )} (RFC 9110 section 5.6.6), plus
 * RFC 8187 extended parameters {@code name*=UTF-8''percent-encoded}, which are decoded and kept under
 * {@code name*}. Value and parameter names are lower-cased; duplicate parameters are refused.
 */
record HeaderValue(String value, Map<String, String> params) {

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?={} \t";

    HeaderValue {
        params = Map.copyOf(params);
    }

    String param(String name) {
        return params.get(name);
    }

    static HeaderValue parse(String header) throws Refusal {
        if (header == null) {
            throw malformed("missing header value");
        }
        int[] pos = {0};
        skipOws(header, pos);
        String value = readUntilSemicolon(header, pos).toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            throw malformed("empty header value");
        }
        Map<String, String> params = new LinkedHashMap<>();
        while (pos[0] < header.length()) {
            // at ';'
            pos[0]++;
            skipOws(header, pos);
            if (pos[0] >= header.length()) {
                break; // a trailing ';' is tolerated
            }
            String name = readToken(header, pos).toLowerCase(Locale.ROOT);
            skipOws(header, pos);
            if (name.isEmpty() || pos[0] >= header.length() || header.charAt(pos[0]) != '=') {
                throw malformed("bad header parameter");
            }
            pos[0]++;
            skipOws(header, pos);
            String v;
            if (pos[0] < header.length() && header.charAt(pos[0]) == '"') {
                v = readQuoted(header, pos);
            } else {
                v = readToken(header, pos);
            }
            if (name.endsWith("*")) {
                v = decodeExtValue(v);
            }
            skipOws(header, pos);
            if (pos[0] < header.length() && header.charAt(pos[0]) != ';') {
                throw malformed("bad header parameter");
            }
            if (params.putIfAbsent(name, v) != null) {
                throw malformed("repeated header parameter");
            }
        }
        return new HeaderValue(value, params);
    }

    private static String readUntilSemicolon(String s, int[] pos) {
        int start = pos[0];
        while (pos[0] < s.length() && s.charAt(pos[0]) != ';') {
            pos[0]++;
        }
        return s.substring(start, pos[0]).strip();
    }

    private static String readToken(String s, int[] pos) {
        int start = pos[0];
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]);
            if (c <= 0x20 || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) {
                break;
            }
            pos[0]++;
        }
        return s.substring(start, pos[0]);
    }

    private static String readQuoted(String s, int[] pos) throws Refusal {
        StringBuilder b = new StringBuilder();
        pos[0]++; // opening quote
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                if (pos[0] >= s.length()) {
                    break;
                }
                c = s.charAt(pos[0]++);
            }
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw malformed("control character in a header parameter");
            }
            b.append(c);
        }
        throw malformed("unterminated quoted string in a header");
    }

    /** RFC 8187: {@code charset "'" [ language ] "'" value-chars}; only UTF-8 is accepted. */
    private static String decodeExtValue(String v) throws Refusal {
        int q1 = v.indexOf('\'');
        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
        if (q1 < 0 || q2 < 0 || !v.substring(0, q1).equalsIgnoreCase("UTF-8")) {
            throw malformed("extended header parameter must be UTF-8''...");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = q2 + 1; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%') {
                if (i + 2 >= v.length()) {
                    throw malformed("bad percent-encoding in a header parameter");
                }
                int hi = Character.digit(v.charAt(i + 1), 16);
                int lo = Character.digit(v.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed("bad percent-encoding in a header parameter");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw malformed("bad character in an extended header parameter");
            }
        }
        return utf8(out.toByteArray());
    }

    /** Strict UTF-8: malformed sequences are refused, not replaced. */
    static String utf8(byte[] bytes) throws Refusal {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("header is not valid UTF-8");
        }
    }

    private static void skipOws(String s, int[] pos) {
        while (pos[0] < s.length() && (s.charAt(pos[0]) == ' ' || s.charAt(pos[0]) == '\t')) {
            pos[0]++;
        }
    }

    static Refusal malformed(String safeMessage) {
        return new Refusal(Reason.MALFORMED, safeMessage);
    }
}
