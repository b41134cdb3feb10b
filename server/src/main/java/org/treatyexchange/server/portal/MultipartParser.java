package org.treatyexchange.server.portal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.treatyexchange.server.application.Refusal;

/**
 * A push parser for {@code multipart/form-data} (RFC 7578) that never holds a file: bytes are fed as they
 * arrive and each file part's content goes to the {@link Handler} at once, less the few bytes that might
 * begin the next boundary. Small fields are collected whole, up to a limit. Not thread-safe: one request
 * feeds it in order.
 */
final class MultipartParser {

    /** What the parser finds, in body order. */
    interface Handler {
        /** A field without a file name, complete (UTF-8). */
        void field(String name, String value) throws Refusal;

        /** A file part begins; {@code fileName} is its last path segment, possibly empty (no file chosen). */
        void fileStart(String field, String fileName) throws Refusal;

        void fileData(byte[] b, int off, int len) throws Refusal;

        void fileEnd() throws Refusal;
    }

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, FIELD, FILE, EPILOGUE }

    static final int MAX_HEADER_BYTES = 4096;
    private static final int WINDOW = 64 * 1024;

    private final byte[] delimiter;
    private final int maxFieldBytes;
    private final int maxParts;
    private final Handler handler;
    private final byte[] buf;
    private int len;
    private State state = State.PREAMBLE;
    private String partName;
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private int parts;

    MultipartParser(String boundary, int maxFieldBytes, int maxParts, Handler handler) {
        // The body begins with "--boundary"; every later delimiter is CRLF "--boundary": a virtual CRLF first makes them alike.
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxFieldBytes = maxFieldBytes;
        this.maxParts = maxParts;
        this.handler = handler;
        this.buf = new byte[WINDOW + delimiter.length + MAX_HEADER_BYTES];
        buf[0] = '\r';
        buf[1] = '\n';
        len = 2;
    }

    /**
     * The boundary of a {@code multipart/form-data} content type, or null when it is not one or has no
     * valid boundary (1 to 70 characters, RFC 2046).
     */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.matches("[0-9A-Za-z'()+_,./:=? -]{1,70}") && !b.endsWith(" ") ? b : null;
            }
        }
        return null;
    }

    /** Whether the closing delimiter was seen. */
    boolean finished() {
        return state == State.EPILOGUE;
    }

    /** Feeds the next bytes of the body. */
    void feed(byte[] data, int off, int n) throws Refusal {
        while (n > 0) {
            int take = Math.min(n, buf.length - len);
            System.arraycopy(data, off, buf, len, take);
            len += take;
            off += take;
            n -= take;
            process();
        }
    }

    private void process() throws Refusal {
        while (true) {
            switch (state) {
                case PREAMBLE -> {
                    int at = indexOf(delimiter, 0);
                    if (at < 0) {
                        consume(Math.max(0, len - delimiter.length + 1));
                        return;
                    }
                    consume(at + delimiter.length);
                    state = State.AFTER_DELIMITER;
                }
                case AFTER_DELIMITER -> {
                    if (len < 2) {
                        return;
                    }
                    if (buf[0] == '-' && buf[1] == '-') {
                        state = State.EPILOGUE;
                        len = 0;
                        return;
                    }
                    int eol = indexOf(new byte[] {'\r', '\n'}, 0);
                    if (eol < 0) {
                        if (len > 256) {
                            throw malformed();
                        }
                        return;
                    }
                    consume(eol + 2); // transport padding after the boundary is ignored (RFC 2046)
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int end = indexOf(new byte[] {'\r', '\n', '\r', '\n'}, 0);
                    if (end < 0) {
                        if (len > MAX_HEADER_BYTES) {
                            throw malformed();
                        }
                        return;
                    }
                    String headers = new String(buf, 0, end, StandardCharsets.UTF_8);
                    consume(end + 4);
                    startPart(headers);
                }
                case FIELD, FILE -> {
                    int at = indexOf(delimiter, 0);
                    int safe = at >= 0 ? at : Math.max(0, len - delimiter.length + 1);
                    if (safe > 0) {
                        content(buf, safe);
                    }
                    if (at < 0) {
                        consume(safe);
                        return;
                    }
                    consume(at + delimiter.length);
                    endPart();
                    state = State.AFTER_DELIMITER;
                }
                case EPILOGUE -> {
                    len = 0;
                    return;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    private void startPart(String headers) throws Refusal {
        if (++parts > maxParts) {
            throw new Refusal(Refusal.Reason.TOO_LARGE, "the form has too many fields");
        }
        String disposition = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-disposition")) {
                disposition = line.substring(colon + 1).strip();
            }
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw malformed();
        }
        partName = parameter(disposition, "name");
        if (partName == null) {
            throw malformed();
        }
        String fileName = parameter(disposition, "filename");
        if (fileName != null) {
            int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
            handler.fileStart(partName, fileName.substring(slash + 1));
            state = State.FILE;
        } else {
            field.reset();
            state = State.FIELD;
        }
    }

    private void content(byte[] b, int n) throws Refusal {
        if (state == State.FILE) {
            handler.fileData(b, 0, n);
        } else {
            if (field.size() + n > maxFieldBytes) {
                throw new Refusal(Refusal.Reason.TOO_LARGE, "the field '" + printable(partName) + "' is too long");
            }
            field.write(b, 0, n);
        }
    }

    private void endPart() throws Refusal {
        if (state == State.FILE) {
            handler.fileEnd();
        } else {
            handler.field(partName, field.toString(StandardCharsets.UTF_8));
        }
    }

    /** A parameter of a Content-Disposition header: quoted (with backslash escapes) or a token; null when absent. */
    static String parameter(String header, String name) {
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            int start = i + 1;
            while (start < header.length() && header.charAt(start) == ' ') {
                start++;
            }
            int eq = header.indexOf('=', start);
            if (eq < 0) {
                return null;
            }
            String key = header.substring(start, eq).strip();
            int p = eq + 1;
            StringBuilder value = new StringBuilder();
            if (p < header.length() && header.charAt(p) == '"') {
                p++;
                while (p < header.length() && header.charAt(p) != '"') {
                    char c = header.charAt(p);
                    if (c == '\\' && p + 1 < header.length()) {
                        c = header.charAt(++p);
                    }
                    value.append(c);
                    p++;
                }
                p++; // the closing quote
            } else {
                while (p < header.length() && header.charAt(p) != ';') {
                    value.append(header.charAt(p++));
                }
            }
            if (key.equalsIgnoreCase(name)) {
                return value.toString().strip();
            }
            i = header.indexOf(';', p);
        }
        return null;
    }

    private int indexOf(byte[] pattern, int from) {
        outer:
        for (int i = from; i <= len - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buf[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void consume(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
    }

    private static Refusal malformed() {
        return new Refusal(Refusal.Reason.MALFORMED, "the form's data is not well-formed");
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("[^A-Za-z0-9_-]", "?");
    }
}
