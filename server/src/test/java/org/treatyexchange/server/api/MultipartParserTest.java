package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.treatyexchange.server.api.MultipartParser.PartHeaders;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Refusal.Reason;

class MultipartParserTest {

    record Part(PartHeaders headers, byte[] body) {
    }

    /** Records parts; checks that the parser never calls out of order. */
    static final class Recorder implements MultipartParser.Listener {
        final List<Part> parts = new ArrayList<>();
        PartHeaders current;
        ByteArrayOutputStream body;

        @Override
        public void partBegin(PartHeaders headers) {
            assertThat(current).as("partBegin inside a part").isNull();
            current = headers;
            body = new ByteArrayOutputStream();
        }

        @Override
        public void partData(byte[] b, int off, int len) {
            assertThat(current).as("data outside a part").isNotNull();
            assertThat(len).isPositive();
            body.write(b, off, len);
        }

        @Override
        public void partEnd() {
            assertThat(current).as("partEnd outside a part").isNotNull();
            parts.add(new Part(current, body.toByteArray()));
            current = null;
        }
    }

    static final String B = "----TreatyBoundary7MA4YWxk";

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** What curl -F sends: envelope plus two documents, one of them with CRLF and boundary-like bytes inside. */
    static byte[] sample() {
        byte[] doc2 = concat(ascii("\r\n--" + B.substring(0, 10) + "\r\n--\r\n"), new byte[] {0, (byte) 0xff, '\r'}, ascii("-"));
        return concat(
                ascii("--" + B + "\r\n"),
                ascii("Content-Disposition: form-data; name=\"envelope\"; filename=\"envelope.p7s\"\r\n"),
                ascii("Content-Type: application/pkcs7-mime\r\n\r\n"),
                ascii("ENVELOPE-DER"),
                ascii("\r\n--" + B + "\r\n"),
                ascii("Content-Disposition: form-data; name=\"document\"; filename=\"report.pdf\"\r\n"),
                ascii("Content-Type: application/pdf\r\n\r\n"),
                ascii("%PDF-1.7 body"),
                ascii("\r\n--" + B + "\r\n"),
                ascii("content-disposition: form-data; name=document; filename*=UTF-8''r%C3%A9sum%C3%A9.bin\r\n\r\n"),
                doc2,
                ascii("\r\n--" + B + "--\r\n"));
    }

    static Recorder parse(byte[] body, int... splits) throws Refusal {
        MultipartParser p = new MultipartParser(B, 4096);
        Recorder r = new Recorder();
        int prev = 0;
        for (int s : splits) {
            p.feed(body, prev, s - prev, r);
            prev = s;
        }
        p.feed(body, prev, body.length - prev, r);
        p.finish();
        assertThat(p.closed()).isTrue();
        return r;
    }

    static void assertSample(Recorder r) {
        assertThat(r.parts).hasSize(3);
        assertThat(r.parts.get(0).headers()).isEqualTo(new PartHeaders("envelope", "envelope.p7s", "application/pkcs7-mime"));
        assertThat(r.parts.get(0).body()).isEqualTo(ascii("ENVELOPE-DER"));
        assertThat(r.parts.get(1).headers()).isEqualTo(new PartHeaders("document", "report.pdf", "application/pdf"));
        assertThat(r.parts.get(1).body()).isEqualTo(ascii("%PDF-1.7 body"));
        assertThat(r.parts.get(2).headers()).isEqualTo(new PartHeaders("document", "résumé.bin", null));
        assertThat(r.parts.get(2).body()).hasSize(24).endsWith(0, (byte) 0xff, '\r', '-');
    }

    @Test
    void parsesWholeBody() throws Refusal {
        assertSample(parse(sample()));
    }

    @Test
    void splitAtEveryPosition() throws Refusal {
        byte[] body = sample();
        for (int i = 0; i <= body.length; i++) {
            assertSample(parse(body, i));
        }
    }

    @Test
    void splitAtEveryPairOfPositions() throws Refusal {
        byte[] body = sample();
        for (int i = 0; i <= body.length; i++) {
            for (int j = i; j <= body.length; j++) {
                assertSample(parse(body, i, j));
            }
        }
    }

    @Test
    void oneByteAtATime() throws Refusal {
        byte[] body = sample();
        int[] splits = new int[body.length - 1];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = i + 1;
        }
        assertSample(parse(body, splits));
    }

    @Test
    void manyPartsWithRandomContentAndRandomChunks() throws Refusal {
        Random random = new Random(42);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> bodies = new ArrayList<>();
        out.writeBytes(ascii("preamble to ignore\r\n"));
        for (int n = 0; n < 200; n++) {
            byte[] content = new byte[random.nextInt(3000)];
            random.nextBytes(content);
            bodies.add(content);
            out.writeBytes(ascii("--" + B + " \t\r\nContent-Disposition: form-data; name=\"f" + n + "\"; filename=\"d" + n + "\"\r\n\r\n"));
            out.writeBytes(content);
            out.writeBytes(ascii("\r\n"));
        }
        out.writeBytes(ascii("--" + B + "--\r\nepilogue ignored, even --" + B + "\r\n"));
        byte[] body = out.toByteArray();
        MultipartParser p = new MultipartParser(B, 4096);
        Recorder r = new Recorder();
        for (int pos = 0; pos < body.length;) {
            int n = Math.min(body.length - pos, 1 + random.nextInt(700));
            p.feed(body, pos, n, r);
            pos += n;
        }
        p.finish();
        assertThat(r.parts).hasSize(200);
        for (int n = 0; n < 200; n++) {
            assertThat(r.parts.get(n).headers().name()).isEqualTo("f" + n);
            assertThat(r.parts.get(n).headers().filename()).isEqualTo("d" + n);
            assertThat(r.parts.get(n).body()).isEqualTo(bodies.get(n));
        }
    }

    @Test
    void quotedBoundaryCharactersAndEscapedFilename() throws Refusal {
        String b = "a'()+_,-./:=? z";
        byte[] body = ascii("--" + b + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"say \\\"hi\\\".txt\"\r\n\r\nx\r\n--" + b + "--");
        MultipartParser p = new MultipartParser(b, 1024);
        Recorder r = new Recorder();
        p.feed(body, 0, body.length, r);
        p.finish();
        assertThat(r.parts).singleElement().satisfies(part -> {
            assertThat(part.headers().filename()).isEqualTo("say \"hi\".txt");
            assertThat(part.body()).isEqualTo(ascii("x"));
        });
    }

    @Test
    void partWithoutHeadersIsRefusedButEmptyBodyIsFine() throws Refusal {
        byte[] empty = ascii("--" + B + "\r\nContent-Disposition: form-data; name=e\r\n\r\n\r\n--" + B + "--");
        assertThat(parse(empty).parts).singleElement().satisfies(p -> assertThat(p.body()).isEmpty());
        assertMalformed(ascii("--" + B + "\r\n\r\nbody\r\n--" + B + "--"), "without Content-Disposition");
    }

    @Test
    void stopIgnoresTheRest() throws Refusal {
        MultipartParser p = new MultipartParser(B, 4096);
        List<String> seen = new ArrayList<>();
        MultipartParser.Listener l = new MultipartParser.Listener() {
            @Override
            public void partBegin(PartHeaders h) {
                seen.add("begin " + h.name());
            }

            @Override
            public void partData(byte[] b, int off, int len) {
            }

            @Override
            public void partEnd() {
                seen.add("end");
                p.stop();
            }
        };
        byte[] body = sample();
        p.feed(body, 0, body.length, l);
        p.finish();
        assertThat(seen).containsExactly("begin envelope", "end");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "ends-in-space ", "has\"quote", "has;semicolon",
        "12345678901234567890123456789012345678901234567890123456789012345678901"})
    void badBoundaries(String boundary) {
        assertThatThrownBy(() -> new MultipartParser(boundary, 1024)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    @Test
    void malformedInputs() {
        String cd = "Content-Disposition: form-data; name=\"a\"\r\n";
        assertMalformed(ascii("no boundary here at all"), "closing boundary");
        assertMalformed(ascii("--" + B + "\r\n" + cd + "\r\nbody without end"), "closing boundary");
        assertMalformed(ascii("--" + B + "X\r\n" + cd + "\r\nx\r\n--" + B + "--"), "not followed by CRLF");
        assertMalformed(ascii("--" + B + "\r\n" + cd + "\r\nx\r\n--" + B + "junk"), "not followed by CRLF");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\n\r\nx\r\n--" + B + "--"), "");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n--" + B + "--"), "");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" + B + "--"), "form-data");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n--" + B + "--"), "without a name");
        assertMalformed(ascii("--" + B + "\r\n" + cd + cd + "\r\nx\r\n--" + B + "--"), "repeated");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--" + B + "--"), "");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--" + B + "--"), "repeated");
        assertMalformed(ascii("--" + B + "\r\n" + cd + "Content-Transfer-Encoding: base64\r\n\r\nx\r\n--" + B + "--"), "transfer encoding");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; name=a; filename*=ISO-8859-1''x\r\n\r\nx\r\n--" + B + "--"), "UTF-8");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''%C3\r\n\r\nx\r\n--" + B + "--"), "UTF-8");
        assertMalformed(ascii("--" + B + "\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''%0Aevil\r\n\r\nx\r\n--" + B + "--"), "control");
        assertMalformed(concat(ascii("--" + B + "\r\nX-Pad: "), ascii("p".repeat(5000)), ascii("\r\n" + cd + "\r\nx\r\n--" + B + "--")), "too large");
        assertMalformed(concat(ascii("x".repeat(5000)), ascii("\r\n--" + B + "\r\n" + cd + "\r\nx\r\n--" + B + "--")), "preamble");
        assertMalformed(ascii("--" + B + "\r\n" + cd + "\r\nx\r\n--" + B + " ".repeat(100) + "\r\n"), "too long");
    }

    @Test
    void headerBlockLimitAppliesAcrossChunks() {
        byte[] body = concat(ascii("--" + B + "\r\nX-Pad: "), ascii("p".repeat(5000)));
        MultipartParser[] p = new MultipartParser[1];
        Recorder r = new Recorder();
        assertThatThrownBy(() -> {
            p[0] = new MultipartParser(B, 4096);
            for (int i = 0; i < body.length; i += 100) {
                p[0].feed(body, i, Math.min(100, body.length - i), r);
            }
        }).isInstanceOfSatisfying(Refusal.class, e -> assertThat(e).hasMessageContaining("too large"));
        assertThat(r.parts).isEmpty();
    }

    static void assertMalformed(byte[] body, String messagePart) {
        for (int split : new int[] {body.length, 1, body.length / 2}) {
            assertThatThrownBy(() -> parse(body, Math.min(split, body.length)))
                    .as("body %s split at %d", new String(body, StandardCharsets.UTF_8), split)
                    .isInstanceOfSatisfying(Refusal.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
                        assertThat(e).hasMessageContaining(messagePart);
                    });
        }
    }
}
