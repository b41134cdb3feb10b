package org.treatyexchange.server.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.treatyexchange.server.application.Refusal;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578 over RFC 2046): fed the body chunk by chunk,
 * it calls a {@link Listener} with each part's headers, its bytes and its end, and never holds more
 * than one delimiter's length of body (or one part's headers, at most {@code maxPartHeaderBytes})
 * between chunks. Nothing is written anywhere: the listener decides what to keep.
 *
 * <p>Strict on what it cannot interpret: a delimiter not followed by {@code --} or by optional
 * whitespace and CRLF, part headers without CRLF line ends or over the limit, obsolete line folding,
 * a missing or non-{@code form-data} {@code Content-Disposition}, a transfer encoding other than
 * 7bit/8bit/binary, a preamble over the limit, and a body that ends before the close delimiter are
 * all {@link Refusal.Reason#MALFORMED}. The epilogue is ignored. Not thread-safe; one
 * request feeds it in order (from whichever thread, with a happens-before between feeds).
 */
final class MultipartParser {

    /** Receives the parts; may call {@link MultipartParser#stop()} to ignore the rest of the body. */
    interface Listener {
        void partBegin(PartHeaders headers) throws Refusal;

        /** Bytes of the current part; valid only during the call. */
        void partData(byte[] b, int off, int len) throws Refusal;

        void partEnd() throws Refusal;
    }

    /**
     * The headers of one part that matter here.
     *
     * @param name the {@code name} parameter of {@code Content-Disposition: form-data}
     * @param filename {@code filename*} (RFC 8187, UTF-8) if present, else {@code filename}, else null
     * @param contentType the part's {@code Content-Type} value lower-cased, or null
     */
    record PartHeaders(String name, String filename, String contentType) {
    }

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, EPILOGUE }

    private static final int MAX_PADDING = 64;
    private static final String BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

    private final byte[] delimiter;
    private final int maxPartHeaderBytes;
    private final int maxPreambleBytes;
    private State state = State.PREAMBLE;
    private byte[] work;
    private int workLen;
    private long preambleBytes;
    private boolean stopped;

    /**
     * @param boundary the {@code boundary} parameter of the request's Content-Type (1..70 bchars, not ending in space)
     * @param maxPartHeaderBytes the most bytes one part's header block may have
     */
    MultipartParser(String boundary, int maxPartHeaderBytes) throws Refusal {
        checkBoundary(boundary);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.maxPartHeaderBytes = maxPartHeaderBytes;
        this.maxPreambleBytes = maxPartHeaderBytes;
        this.work = new byte[Math.max(256, delimiter.length * 2)];
        // The first delimiter may open the body without a CRLF before it: pretend there was one.
        work[0] = '\r';
        work[1] = '\n';
        workLen = 2;
        preambleBytes = -2;
    }

    static void checkBoundary(String boundary) throws Refusal {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70 || boundary.endsWith(" ")) {
            throw HeaderValue.malformed("multipart boundary must be 1 to 70 characters");
        }
        for (int i = 0; i < boundary.length(); i++) {
            if (BCHARS.indexOf(boundary.charAt(i)) < 0) {
                throw HeaderValue.malformed("multipart boundary has a character RFC 2046 does not allow");
            }
        }
    }

    /** Whether the close delimiter has been seen (the rest is epilogue). */
    boolean closed() {
        return state == State.EPILOGUE;
    }

    /** Ignore the rest of the body: no more listener calls. */
    void stop() {
        stopped = true;
    }

    void feed(byte[] b, int off, int len, Listener listener) throws Refusal {
        if (stopped || state == State.EPILOGUE) {
            return;
        }
        if (workLen + len > work.length) {
            work = Arrays.copyOf(work, Math.max(work.length * 2, workLen + len));
        }
        System.arraycopy(b, off, work, workLen, len);
        workLen += len;
        int pos = 0;
        boolean progress = true;
        while (progress && !stopped) {
            switch (state) {
                case PREAMBLE -> {
                    int i = indexOf(work, pos, workLen, delimiter);
                    if (i >= 0) {
                        preambleBytes += i - pos;
                        pos = i + delimiter.length;
                        state = State.AFTER_DELIMITER;
                    } else {
                        int keep = Math.min(workLen - pos, delimiter.length - 1);
                        preambleBytes += workLen - pos - keep;
                        pos = workLen - keep;
                        progress = false;
                    }
                    if (preambleBytes > maxPreambleBytes) {
                        throw HeaderValue.malformed("multipart preamble too long, or no boundary");
                    }
                }
                case AFTER_DELIMITER -> {
                    int p = pos;
                    if (p + 2 > workLen) {
                        progress = false;
                        break;
                    }
                    if (work[p] == '-' && work[p + 1] == '-') {
                        state = State.EPILOGUE;
                        pos = workLen;
                        progress = false;
                        break;
                    }
                    while (p < workLen && (work[p] == ' ' || work[p] == '\t')) {
                        p++;
                    }
                    if (p - pos > MAX_PADDING) {
                        throw HeaderValue.malformed("multipart delimiter line too long");
                    }
                    if (p + 2 > workLen) {
                        progress = false;
                        break;
                    }
                    if (work[p] != '\r' || work[p + 1] != '\n') {
                        throw HeaderValue.malformed("multipart delimiter not followed by CRLF");
                    }
                    pos = p + 2;
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int end;
                    int next;
                    if (workLen - pos >= 2 && work[pos] == '\r' && work[pos + 1] == '\n') {
                        end = pos; // no headers at all
                        next = pos + 2;
                    } else {
                        int i = indexOf(work, pos, workLen, CRLFCRLF);
                        end = i < 0 ? -1 : i + 2;
                        next = i + 4;
                    }
                    if (end < 0) {
                        // Up to two buffered bytes ("\r\n" of the blank line) may end up outside the
                        // block once the terminator completes; refuse only what must exceed the limit.
                        if (workLen - pos - 2 > maxPartHeaderBytes) {
                            throw HeaderValue.malformed("multipart part headers too large");
                        }
                        progress = false;
                        break;
                    }
                    if (end - pos > maxPartHeaderBytes) {
                        throw HeaderValue.malformed("multipart part headers too large");
                    }
                    PartHeaders headers = parseHeaders(work, pos, end);
                    pos = next;
                    state = State.BODY;
                    listener.partBegin(headers);
                }
                case BODY -> {
                    int i = indexOf(work, pos, workLen, delimiter);
                    if (i >= 0) {
                        if (i > pos) {
                            listener.partData(work, pos, i - pos);
                        }
                        pos = i + delimiter.length;
                        state = State.AFTER_DELIMITER;
                        if (!stopped) {
                            listener.partEnd();
                        }
                    } else {
                        int safe = Math.max(pos, workLen - (delimiter.length - 1));
                        if (safe > pos) {
                            listener.partData(work, pos, safe - pos);
                        }
                        pos = safe;
                        progress = false;
                    }
                }
                case EPILOGUE -> {
                    pos = workLen;
                    progress = false;
                }
                default -> throw new IllegalStateException();
            }
        }
        // Keep what is not consumed yet (a possible delimiter prefix or unfinished part headers).
        int rest = workLen - pos;
        System.arraycopy(work, pos, work, 0, rest);
        workLen = rest;
        if (work.length > 4 * (maxPartHeaderBytes + delimiter.length) && workLen < work.length / 4) {
            work = Arrays.copyOf(work, Math.max(256, delimiter.length * 2 + workLen)); // shed a big chunk's buffer
        }
    }

    /** The body has ended: it must have had its close delimiter. */
    void finish() throws Refusal {
        if (!stopped && state != State.EPILOGUE) {
            throw HeaderValue.malformed("multipart body ended before its closing boundary");
        }
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    static int indexOf(byte[] a, int from, int to, byte[] needle) {
        int last = to - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Parses {@code from..to}: header lines, each ending in CRLF. */
    private static PartHeaders parseHeaders(byte[] a, int from, int to) throws Refusal {
        String block = HeaderValue.utf8(Arrays.copyOfRange(a, from, to));
        HeaderValue disposition = null;
        String contentType = null;
        int p = 0;
        while (p < block.length()) {
            int eol = block.indexOf("\r\n", p);
            if (eol < 0) {
                throw HeaderValue.malformed("multipart part header line without CRLF");
            }
            String line = block.substring(p, eol);
            p = eol + 2;
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0 || line.indexOf('\0') >= 0) {
                throw HeaderValue.malformed("bare CR or LF in a multipart part header");
            }
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw HeaderValue.malformed("folded multipart part header");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw HeaderValue.malformed("multipart part header without a name");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1);
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == ':') {
                    throw HeaderValue.malformed("bad multipart part header name");
                }
            }
            switch (name) {
                case "content-disposition" -> {
                    if (disposition != null) {
                        throw HeaderValue.malformed("repeated Content-Disposition in a multipart part");
                    }
                    disposition = HeaderValue.parse(value);
                }
                case "content-type" -> {
                    if (contentType != null) {
                        throw HeaderValue.malformed("repeated Content-Type in a multipart part");
                    }
                    contentType = HeaderValue.parse(value).value();
                }
                case "content-transfer-encoding" -> {
                    String cte = value.strip().toLowerCase(Locale.ROOT);
                    if (!cte.equals("binary") && !cte.equals("8bit") && !cte.equals("7bit")) {
                        throw HeaderValue.malformed("multipart part transfer encoding not supported");
                    }
                }
                default -> {
                    // RFC 7578: other part headers are ignored.
                }
            }
        }
        if (disposition == null || !disposition.value().equals("form-data")) {
            throw HeaderValue.malformed("multipart part without Content-Disposition: form-data");
        }
        String name = disposition.param("name");
        if (name == null) {
            throw HeaderValue.malformed("multipart part without a name");
        }
        String filename = disposition.param("filename*") != null ? disposition.param("filename*") : disposition.param("filename");
        if (filename != null) {
            for (int i = 0; i < filename.length(); i++) {
                if (Character.isISOControl(filename.charAt(i))) {
                    throw HeaderValue.malformed("control character in a file name");
                }
            }
        }
        return new PartHeaders(name, filename, contentType);
    }
}
