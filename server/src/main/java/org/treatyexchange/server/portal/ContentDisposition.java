package org.treatyexchange.server.portal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code Content-Disposition: attachment} with a name no browser can misread (RFC 6266, RFC 8187). */
final class ContentDisposition {

    private ContentDisposition() {
    }

    /**
     * An ASCII fallback (letters, digits, {@code . - _} only; anything else becomes {@code _}) and the
     * exact UTF-8 name percent-encoded; quotes, separators and control characters cannot reach the header.
     */
    static String attachment(String fileName) {
        String name = fileName == null || fileName.isBlank() ? "document" : fileName;
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(c -> ascii.append(c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')
                ? (char) c : '_'));
        String fallback = ascii.toString();
        if (fallback.startsWith(".")) {
            fallback = "_" + fallback.substring(1);
        }
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
    }
}
