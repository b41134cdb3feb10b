package org.treatyexchange.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The admin channel's wire format, shared by server and CLI. One request per connection:
 * the client writes one JSON line; the server answers with one JSON line
 * ({@code {"ok":true,"result":…}} or {@code {"ok":false,"error":"…"}}). A streamed answer (an export)
 * is a header line {@code {"ok":true,"stream":true}}, frames of (int length, bytes), then a frame of
 * length 0 followed by the final JSON line — so a failure in the middle still reaches the CLI as an error.
 */
final class AdminProtocol {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** A request from the CLI: small, and read by the server from a local but untrusted peer. */
    static final int MAX_REQUEST_LINE = 64 * 1024;
    /** An answer from the server (a listing of every filing can be megabytes), read by the CLI. */
    static final int MAX_ANSWER_LINE = 256 * 1024 * 1024;

    private AdminProtocol() {
    }

    static void writeLine(OutputStream out, JsonNode node) throws IOException {
        out.write(MAPPER.writeValueAsBytes(node));
        out.write('\n');
        out.flush();
    }

    static JsonNode readLine(InputStream in, int maxLine) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("the admin channel closed before a complete line");
            }
            if (line.size() >= maxLine) {
                throw new IOException("admin line too long");
            }
            line.write(b);
        }
        return MAPPER.readTree(line.toString(StandardCharsets.UTF_8));
    }

    /** Frames written to a stream answer. */
    static final class FrameOutput extends OutputStream {
        private final DataOutputStream out;

        FrameOutput(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.writeInt(len);
            out.write(b, off, len);
        }

        void end() throws IOException {
            out.writeInt(0);
            out.flush();
        }
    }

    /** Copies frames until the end frame. */
    static void copyFrames(InputStream in, OutputStream sink) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] buf = new byte[64 * 1024];
        while (true) {
            int len = data.readInt();
            if (len == 0) {
                return;
            }
            if (len < 0 || len > 16 * 1024 * 1024) {
                throw new IOException("malformed frame on the admin channel");
            }
            int left = len;
            while (left > 0) {
                int n = data.read(buf, 0, Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException("the admin channel closed inside a frame");
                }
                sink.write(buf, 0, n);
                left -= n;
            }
        }
    }
}
