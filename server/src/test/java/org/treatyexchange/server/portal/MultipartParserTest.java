package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.application.Refusal;

/**
 * The streaming multipart parser: the same fields and file bytes however the body is cut into chunks
 * (one byte at a time, random cuts, a boundary split across chunks, file content that almost looks like
 * a boundary), and refusals for what is not well-formed or too large.
 */
class MultipartParserTest {

    static final String BOUNDARY = "----WebKitFormBoundaryAbC123";

    /** What the parser reported, as text: fields as name=value, files as name/file[size:sha-ish]. */
    static final class Recorder implements MultipartParser.Handler {
        final List<String> events = new ArrayList<>();
        final List<byte[]> files = new ArrayList<>();
        private ByteArrayOutputStream current;

        @Override
        public void field(String name, String value) {
            events.add(name + "=" + value);
        }

        @Override
        public void fileStart(String field, String fileName) {
            events.add(field + "/" + fileName);
            current = new ByteArrayOutputStream();
        }

        @Override
        public void fileData(byte[] b, int off, int len) {
            current.write(b, off, len);
        }

        @Override
        public void fileEnd() {
            files.add(current.toByteArray());
            events.add("end");
        }
    }

    static byte[] body(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nRapport annuel \u00e9t\u00e9\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"C:\\\\Users\\\\me\\\\r\u00e9port.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static byte[] trickyFile() {
        // content that repeats most of the delimiter, and CR LF -- runs, before and across chunk edges
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        byte[] random = new byte[200_000];
        new Random(7).nextBytes(random);
        f.writeBytes(random);
        f.writeBytes(("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "X\r\n--\r\n").getBytes(StandardCharsets.US_ASCII));
        f.write(random, 0, 1000);
        return f.toByteArray();
    }

    static Recorder parse(byte[] body, java.util.function.IntSupplier chunk) throws Refusal {
        Recorder r = new Recorder();
        MultipartParser p = new MultipartParser(BOUNDARY, 4096, 100, r);
        int at = 0;
        while (at < body.length) {
            int n = Math.min(Math.max(1, chunk.getAsInt()), body.length - at);
            p.feed(body, at, n);
            at += n;
        }
        assertThat(p.finished()).isTrue();
        return r;
    }

    @Test
    void theSameFieldsAndBytesWhateverTheChunks() throws Exception {
        byte[] file = trickyFile();
        byte[] body = body(file);
        Random cuts = new Random(11);
        for (java.util.function.IntSupplier chunk : List.<java.util.function.IntSupplier>of(() -> 1, () -> 7, () -> 8192, () -> body.length,
                () -> 1 + cuts.nextInt(100_000), () -> BOUNDARY.length() + 3)) {
            Recorder r = parse(body, chunk);
            assertThat(r.events).containsExactly("csrf=tok", "title=Rapport annuel \u00e9t\u00e9", "document/r\u00e9port.pdf", "end");
            assertThat(r.files.get(0)).isEqualTo(file);
        }
    }

    @Test
    void theBoundaryComesFromTheContentType() {
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=" + BOUNDARY)).isEqualTo(BOUNDARY);
        assertThat(MultipartParser.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"")).isEqualTo("a b");
        assertThat(MultipartParser.boundary("application/x-www-form-urlencoded")).isNull();
        assertThat(MultipartParser.boundary("multipart/form-data")).isNull();
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=" + "x".repeat(71))).isNull();
        assertThat(MultipartParser.boundary(null)).isNull();
    }

    @Test
    void aFieldOverItsLimitOrTooManyPartsAreRefused() {
        byte[] longField = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + "x".repeat(5000) + "\r\n--"
                + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parse(longField, () -> 512)).isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).reason()).isEqualTo(Refusal.Reason.TOO_LARGE));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            many.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        many.append("--").append(BOUNDARY).append("--\r\n");
        assertThatThrownBy(() -> parse(many.toString().getBytes(StandardCharsets.US_ASCII), () -> 100)).isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).reason()).isEqualTo(Refusal.Reason.TOO_LARGE));
    }

    @Test
    void aPartWithoutItsDispositionIsMalformed() {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nv\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parse(body, () -> 10)).isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).reason()).isEqualTo(Refusal.Reason.MALFORMED));
    }

    @Test
    void aBodyWithoutItsClosingDelimiterIsNotFinished() throws Exception {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv").getBytes(StandardCharsets.US_ASCII);
        Recorder r = new Recorder();
        MultipartParser p = new MultipartParser(BOUNDARY, 4096, 100, r);
        p.feed(body, 0, body.length);
        assertThat(p.finished()).isFalse();
        assertThat(r.events).isEmpty();
    }
}
