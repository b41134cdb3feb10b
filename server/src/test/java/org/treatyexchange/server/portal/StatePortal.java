package org.treatyexchange.server.portal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.treatyexchange.server.TestExchange;

/**
 * The States' area of a real exchange's portal for HTTP-level tests: people log in with password and TOTP
 * ({@link PortalLogin}), then get pages, download, post small forms and stream the filing form. Also reads
 * the exchange's tables and blob store, so that a test can prove a refused request kept nothing.
 */
final class StatePortal {

    final TestExchange exchange;
    final HttpClient http;
    final Path caPem;

    private StatePortal(TestExchange exchange, HttpClient http, Path caPem) {
        this.exchange = exchange;
        this.http = http;
        this.caPem = caPem;
    }

    static StatePortal of(TestExchange exchange) throws Exception {
        return new StatePortal(exchange, PortalLogin.client(exchange), exchange.server().caCertificate());
    }

    /** A signed-in person: the session cookie's value, and its CSRF token. */
    record Session(String cookie, String csrf) {
    }

    /** Logs the demo person {@code account} in (password, then a TOTP code computed here). */
    Session signIn(String account) throws Exception {
        PortalLogin.Session s = PortalLogin.login(exchange, account);
        return new Session(s.sessionId(), s.csrf());
    }

    int port() {
        return exchange.server().portalPort();
    }

    String url(String path) {
        return exchange.portalUrl(path);
    }

    private HttpRequest.Builder request(Session s, String path) {
        return HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", SessionCookie.SESSION + "=" + s.cookie());
    }

    HttpResponse<String> get(Session s, String path) throws Exception {
        return http.send(request(s, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> download(Session s, String path) throws Exception {
        return http.send(request(s, path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> postForm(Session s, String path, String body) throws Exception {
        return http.send(request(s, path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data body built in the order given, as a browser sends the form's fields in document order. */
    static final class Multipart {
        final String boundary = "----portaltest" + Long.toHexString(System.nanoTime());
        private final List<byte[]> parts = new ArrayList<>();

        Multipart field(String name, String value) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Multipart file(String name, String fileName, byte[] content) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            parts.add(content);
            parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
    }

    HttpResponse<String> postMultipart(Session s, String path, Multipart form) throws Exception {
        return http.send(request(s, path).header("Content-Type", "multipart/form-data; boundary=" + form.boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Rows of every table of the exchange's database (Derby), by table name, read through a second connection. */
    Map<String, Long> rowsByTable() throws Exception {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + exchange.home().resolve("db").resolve("exchange").toAbsolutePath())) {
            List<String> tables = new ArrayList<>();
            try (ResultSet t = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (t.next()) {
                    if (!t.getString("TABLE_SCHEM").startsWith("SYS")) {
                        tables.add("\"" + t.getString("TABLE_SCHEM") + "\".\"" + t.getString("TABLE_NAME") + "\"");
                    }
                }
            }
            for (String table : tables) {
                try (ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    rows.put(table, r.getLong(1));
                }
            }
        }
        return rows;
    }

    /** The highest audit event seq so far. */
    long auditHead() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + exchange.home().resolve("db").resolve("exchange").toAbsolutePath());
                ResultSet r = c.createStatement().executeQuery("SELECT MAX(seq) FROM audit_event")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The outcomes of audit events after {@code seq}. */
    List<String> auditSince(long seq) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + exchange.home().resolve("db").resolve("exchange").toAbsolutePath());
                ResultSet r = c.createStatement().executeQuery("SELECT type, outcome FROM audit_event WHERE seq > " + seq + " ORDER BY seq")) {
            while (r.next()) {
                out.add(r.getString(1) + ":" + r.getString(2));
            }
        }
        return out;
    }

    /** Every file in the blob store, temporaries included. */
    List<Path> blobFiles() throws IOException {
        Path blobs = exchange.home().resolve("blobs");
        if (!Files.exists(blobs)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(blobs)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
