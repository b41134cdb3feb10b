package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a route answers: a status, headers beyond the security headers every response gets, and either
 * bytes or a document to stream (closed by the writer). {@code Set-Cookie} may repeat, so cookies are kept
 * apart from the other headers.
 */
record PageResponse(HttpResponseStatus status, Map<String, String> headers, byte[] body, SeekableByteChannel document, long documentSize,
        List<String> cookies) {

    PageResponse(HttpResponseStatus status, Map<String, String> headers, byte[] body, SeekableByteChannel document, long documentSize) {
        this(status, headers, body, document, documentSize, List.of());
    }

    static PageResponse html(HttpResponseStatus status, String html) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/html; charset=utf-8");
        h.put("Cache-Control", "no-store");
        return new PageResponse(status, h, html.getBytes(StandardCharsets.UTF_8), null, 0);
    }

    static PageResponse bytes(String contentType, byte[] body, String cacheControl) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("Cache-Control", cacheControl);
        return new PageResponse(HttpResponseStatus.OK, h, body, null, 0);
    }

    static PageResponse redirect(String location) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Location", location);
        h.put("Cache-Control", "no-store");
        return new PageResponse(HttpResponseStatus.SEE_OTHER, h, new byte[0], null, 0);
    }

    /** A document, always as an attachment under a safe name, never rendered by the browser. */
    static PageResponse attachment(String fileName, SeekableByteChannel document, long size) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/octet-stream");
        h.put("Content-Disposition", ContentDisposition.attachment(fileName));
        h.put("Cache-Control", "no-store");
        return new PageResponse(HttpResponseStatus.OK, h, null, document, size);
    }

    /** This response with one more header; a {@code Set-Cookie} is added to the others, never replaces one. */
    PageResponse withHeader(String name, String value) {
        if (name.equalsIgnoreCase("Set-Cookie")) {
            List<String> c = new ArrayList<>(cookies);
            c.add(value);
            return new PageResponse(status, headers, body, document, documentSize, List.copyOf(c));
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new PageResponse(status, h, body, document, documentSize, cookies);
    }

    PageResponse withStatus(HttpResponseStatus newStatus) {
        return new PageResponse(newStatus, headers, body, document, documentSize, cookies);
    }
}
