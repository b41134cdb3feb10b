package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.treatyexchange.server.api.MultipartParser.PartHeaders;
import org.treatyexchange.server.application.Refusal;

/**
 * The HTTPS edge's streaming {@link MultipartParser} on hostile bodies cut into hostile chunks.
 *
 * <p>Input layout (so that seeds stay readable): byte 0 picks the boundary, byte 1 the part-header
 * limit ({@code 16 + 2 * b}), byte 2 the number of chunk sizes ({@code 1 + b % 8}) that follow, one
 * byte each ({@code 1 + b}); the rest is the body. The body is fed three ways: whole, in chunks of
 * those sizes (cycled), and one byte at a time.
 *
 * <p>Contract checked for every input: the parser reports parts in order (begin, data, end) or
 * refuses the body with {@link Refusal.Reason#MALFORMED} (its documented error path), never
 * another exception; after every feed it keeps at most one part's header block, one delimiter or
 * the allowed delimiter padding (read from its private fields: the memory it holds is the thing
 * being checked); all three splits give the same outcome and the same parts.
 *
 * <p>Seed {@code bug-header-block-at-limit-split} reproduces a bug, now fixed: the header limit depended on
 * where a chunk ended (found reading the parser while writing this target, confirmed by the target's own checks).
 */
class MultipartParserFuzzTest {

    private static final String[] BOUNDARIES = {"b", "----TreatyBoundary7MA4YWxk", "a'()+_,-./:=? z"};
    /** MultipartParser.MAX_PADDING plus the byte after it. */
    private static final int PADDING = 64 + 1;

    record Part(PartHeaders headers, byte[] body) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Part p && headers.equals(p.headers) && Arrays.equals(body, p.body);
        }

        @Override
        public int hashCode() {
            return Objects.hash(headers, Arrays.hashCode(body));
        }

        @Override
        public String toString() {
            return headers + " " + body.length + " bytes";
        }
    }

    /** What one way of feeding the body produced: the parts, and the refusal if there was one. */
    record Outcome(List<Part> parts, boolean closed, String refusal) {
    }

    @FuzzTest
    void feed(byte[] input) throws Exception {
        if (input.length < 3) {
            return;
        }
        String boundary = BOUNDARIES[(input[0] & 0xff) % BOUNDARIES.length];
        int maxHeaderBytes = 16 + 2 * (input[1] & 0xff);
        int sizeCount = 1 + (input[2] & 0xff) % 8;
        int bodyStart = Math.min(input.length, 3 + sizeCount);
        int[] sizes = new int[Math.max(1, bodyStart - 3)];
        Arrays.fill(sizes, 1);
        for (int i = 3; i < bodyStart; i++) {
            sizes[i - 3] = 1 + (input[i] & 0xff);
        }
        byte[] body = Arrays.copyOfRange(input, bodyStart, input.length);

        // No wall-clock bound here: on a loaded CI machine it fails for no fault of the parser (speed is for benchmarks).
        Outcome whole = run(boundary, maxHeaderBytes, body, new int[] {Math.max(1, body.length)});
        Outcome chunked = run(boundary, maxHeaderBytes, body, sizes);
        Outcome bytewise = run(boundary, maxHeaderBytes, body, new int[] {1});

        assertThat(chunked.refusal() != null).as("refused in chunks %s as when whole (%s vs %s)",
                Arrays.toString(sizes), chunked.refusal(), whole.refusal()).isEqualTo(whole.refusal() != null);
        assertThat(bytewise.refusal() != null).as("refused byte by byte as when whole (%s vs %s)",
                bytewise.refusal(), whole.refusal()).isEqualTo(whole.refusal() != null);
        if (whole.refusal() == null) {
            assertThat(chunked).as("parts in chunks %s", Arrays.toString(sizes)).isEqualTo(whole);
            assertThat(bytewise).as("parts byte by byte").isEqualTo(whole);
        }
    }

    private static Outcome run(String boundary, int maxHeaderBytes, byte[] body, int[] sizes) throws Exception {
        Recorder recorder = new Recorder();
        MultipartParser parser = new MultipartParser(boundary, maxHeaderBytes);
        int delimiterLength = boundary.length() + 4;
        // a header block at the limit may wait with the blank line's first CRLF (2 bytes) still buffered
        int maxKept = Math.max(maxHeaderBytes + 2, Math.max(delimiterLength, PADDING));
        try {
            int pos = 0;
            for (int i = 0; pos < body.length; i++) {
                int len = Math.min(sizes[i % sizes.length], body.length - pos);
                // Feed from a larger array at an offset, as Netty's buffers do.
                byte[] chunk = new byte[len + 2];
                System.arraycopy(body, pos, chunk, 1, len);
                parser.feed(chunk, 1, len, recorder);
                pos += len;
                assertThat(intField(parser, "workLen")).as("bytes kept between chunks").isLessThanOrEqualTo(maxKept);
                assertThat(((byte[]) field(parser, "work")).length).as("buffer kept between chunks")
                        .isLessThanOrEqualTo(Math.max(256, 4 * (maxHeaderBytes + delimiterLength + PADDING)));
            }
            parser.finish();
        } catch (Refusal e) {
            assertThat(e.reason()).as("refusals are MALFORMED: " + e.getMessage())
                    .isEqualTo(Refusal.Reason.MALFORMED);
            return new Outcome(recorder.parts, parser.closed(), e.getMessage());
        }
        assertThat(recorder.current).as("a part left open after the close delimiter").isNull();
        return new Outcome(recorder.parts, parser.closed(), null);
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field f = MultipartParser.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    private static int intField(Object target, String name) throws ReflectiveOperationException {
        return (Integer) field(target, name);
    }

    /** Records parts and checks that the listener is called in order with sane arguments. */
    private static final class Recorder implements MultipartParser.Listener {
        final List<Part> parts = new ArrayList<>();
        PartHeaders current;
        ByteArrayOutputStream data;

        @Override
        public void partBegin(PartHeaders headers) {
            assertThat(current).as("partBegin inside a part").isNull();
            assertThat(headers.name()).as("part name").isNotNull();
            current = headers;
            data = new ByteArrayOutputStream();
        }

        @Override
        public void partData(byte[] b, int off, int len) {
            assertThat(current).as("partData outside a part").isNotNull();
            assertThat(len).as("partData length").isPositive();
            assertThat(off).as("partData offset").isNotNegative();
            assertThat(off + len).as("partData end").isLessThanOrEqualTo(b.length);
            data.write(b, off, len);
        }

        @Override
        public void partEnd() {
            assertThat(current).as("partEnd outside a part").isNotNull();
            parts.add(new Part(current, data.toByteArray()));
            current = null;
        }
    }
}
