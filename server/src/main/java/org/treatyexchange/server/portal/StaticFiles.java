package org.treatyexchange.server.portal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The portal's one style sheet and one script, read from the jar once. Each is served under a URL that
 * carries a digest of its content, so it can be cached for a year: a release that changes it changes its URL.
 */
final class StaticFiles {

    private static final String LONG_CACHE = "public, max-age=31536000, immutable";
    private static final Map<String, String> TYPES = Map.of("portal.css", "text/css; charset=utf-8", "upload.js",
            "text/javascript; charset=utf-8");
    private static final Map<String, byte[]> CONTENT = load();
    private static final Map<String, String> VERSION = versions();

    private StaticFiles() {
    }

    static String url(String name) {
        String v = VERSION.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no static file " + name);
        }
        return "/static/" + v + "/" + name;
    }

    /** The file at {@code /static/VERSION/NAME}; an old version or unknown name answers as missing. */
    static Optional<PageResponse> serve(String path) {
        String[] parts = path.split("/");
        if (parts.length != 4 || !parts[1].equals("static")) {
            return Optional.empty();
        }
        String name = parts[3];
        if (!CONTENT.containsKey(name) || !VERSION.get(name).equals(parts[2])) {
            return Optional.empty();
        }
        return Optional.of(PageResponse.bytes(TYPES.get(name), CONTENT.get(name), LONG_CACHE));
    }

    private static Map<String, byte[]> load() {
        java.util.HashMap<String, byte[]> m = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = StaticFiles.class.getResourceAsStream("static/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("static/" + name + " is missing from the jar");
                }
                m.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(m);
    }

    private static Map<String, String> versions() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        try {
            for (var e : CONTENT.entrySet()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(e.getValue());
                m.put(e.getKey(), HexFormat.of().formatHex(d, 0, 6));
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return Map.copyOf(m);
    }
}
