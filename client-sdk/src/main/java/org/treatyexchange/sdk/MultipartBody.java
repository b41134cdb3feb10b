package org.treatyexchange.sdk;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.treatyexchange.sdk.wire.DocumentInfo;

/**
 * The {@code multipart/form-data} body of {@code POST /api/v1/messages}, streamed: part headers are
 * small byte arrays, document bytes are read from their files only while the request is written, and
 * the total length is known in advance (so the request carries a Content-Length and no chunking).
 * A file that no longer has its announced size fails the request instead of sending other bytes.
 */
final class MultipartBody {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final List<Part> parts = new ArrayList<>();
    private final long length;

    private record Part(byte[] head, byte[] bytes, Path file, String name, long size) {
    }

    MultipartBody(byte[] signedEnvelope, List<DocumentInfo> documents, List<Path> files) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        this.boundary = "treaty-exchange-" + HexFormat.of().formatHex(random);
        long total = 0;
        Part envelope = new Part(head("envelope", "envelope.p7s", "application/pkcs7-mime", true), signedEnvelope, null, null,
                signedEnvelope.length);
        parts.add(envelope);
        total += envelope.head.length + envelope.size;
        for (int i = 0; i < documents.size(); i++) {
            DocumentInfo d = documents.get(i);
            Part p = new Part(head("document", d.name(), d.mediaType(), false), null, files.get(i), d.name(), d.size());
            parts.add(p);
            total += p.head.length + p.size;
        }
        total += ("\r\n--" + boundary + "--\r\n").length();
        this.length = total;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    long length() {
        return length;
    }

    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(PartsStream::new), length);
    }

    /**
     * A form-data filename: the document name in UTF-8, with {@code "} written as {@code %22} as
     * browsers do (WHATWG); names cannot hold CR, LF or backslash.
     */
    static String filename(String name) {
        return name.replace("\"", "%22");
    }

    private byte[] head(String field, String filename, String mediaType, boolean first) {
        String s = (first ? "" : "\r\n") + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename(filename) + "\"\r\n"
                + "Content-Type: " + mediaType + "\r\n\r\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the parts in order, opening each file only when its turn comes. */
    private final class PartsStream extends InputStream {
        private int next;
        private InputStream current = InputStream.nullInputStream();
        private boolean tail;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                int n = current.read(b, off, len);
                if (n >= 0 || len == 0) {
                    return n;
                }
                current.close();
                if (!advance()) {
                    return -1;
                }
            }
        }

        private boolean advance() throws IOException {
            if (next < parts.size()) {
                Part p = parts.get(next++);
                InputStream body = p.file == null ? new ByteArrayInputStream(p.bytes) : new SizedFileStream(p.file, p.name, p.size);
                current = new java.io.SequenceInputStream(new ByteArrayInputStream(p.head), body);
                return true;
            }
            if (!tail) {
                tail = true;
                current = new ByteArrayInputStream(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
                return true;
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            current.close();
        }
    }

    /** A file's bytes, failing when the file is not exactly {@code size} bytes long any more. */
    private static final class SizedFileStream extends InputStream {
        private final InputStream in;
        private final String name;
        private final long size;
        private long seen;

        SizedFileStream(Path file, String name, long size) throws IOException {
            try {
                this.in = Files.newInputStream(file);
            } catch (IOException e) {
                throw new IOException("document '" + name + "' could not be opened", e);
            }
            this.name = name;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, Math.max(size - seen, 1)));
            if (n < 0) {
                if (seen != size) {
                    throw new IOException("document '" + name + "' changed size since the envelope was built");
                }
                return -1;
            }
            seen += n;
            if (seen > size) {
                throw new IOException("document '" + name + "' changed size since the envelope was built");
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
