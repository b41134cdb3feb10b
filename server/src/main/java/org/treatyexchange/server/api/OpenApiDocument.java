package org.treatyexchange.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The API's description ({@code api/openapi.yaml} in the jar), served as it is at {@code GET /api/v1/openapi.yaml}. */
final class OpenApiDocument {
    static final byte[] BYTES = load();

    private OpenApiDocument() {
    }

    private static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/api/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.yaml is missing from the server's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
