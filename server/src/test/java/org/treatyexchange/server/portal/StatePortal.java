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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.config.ServerConfigLoader;
import org.treatyexchange.server.crypto.IssuedCredential;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;

/**
 * The portal's States' area over a real exchange, before logins exist: a second portal listener on port 0
 * over the exchange's own {@code StateDesk} and {@code PublicDesk}, with a session guard that knows the
 * sessions this fixture hands out (cookie {@code test-session}, token per session). Everything else is
 * the production path: TLS, the pipeline, the streamed upload, the pages, the application layer, the store.
 */
final class StatePortal implements AutoCloseable {

    static final String COOKIE = "test-session";

    final TestExchange exchange;
    final PortalServer portal;
    final HttpClient http;
    final Path caPem;
    private final Sessions sessions;

    private StatePortal(TestExchange exchange, PortalServer portal, HttpClient http, Path caPem, Sessions sessions) {
        this.exchange = exchange;
        this.portal = portal;
        this.http = http;
        this.caPem = caPem;
        this.sessions = sessions;
    }

    static StatePortal start(TestExchange exchange, Path dir, long maxFileSize, int maxDocuments) throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir.resolve("ca.p12"), dir.resolve("ca.pem"),
                "test-ca-password".toCharArray(), "State portal test CA", Clock.systemUTC());
        IssuedCredential tls = ca.issueServerCertificate(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        var shipped = ServerConfigLoader.load(TestExchange.REPO.resolve("config/server.yaml"));
        Sessions sessions = new Sessions();
        PortalServer portal = PortalServer.start(new PortalSettings("127.0.0.1", 0, 16 * 1024, 64 * 1024, Duration.ofSeconds(30), 4,
                shipped.api().tls().protocols(), shipped.api().tls().cipherSuites()), tls.key(), tls.chain(), exchange.server().publicDesk(),
                exchange.server().stateDesk(), sessions, Files.readAllBytes(exchange.server().receiptCertificate()),
                new PortalServer.FilingLimits(maxFileSize, maxDocuments));
        HttpClient http = HttpClient.newBuilder().sslContext(PublicSiteTest.trusting(dir.resolve("ca.pem")))
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        return new StatePortal(exchange, portal, http, dir.resolve("ca.pem"), sessions);
    }

    /** A signed-in officer of {@code state} (account {@code account}): the cookie value, and its CSRF token. */
    record Session(String cookie, String csrf) {
    }

    Session signIn(String account, String state) {
        String id = "s-" + account + "-" + sessions.sessions.size();
        SignedIn who = new SignedIn(new Caller(account, state, Caller.Role.STATE_OFFICER, Caller.Channel.PORTAL, "password", "127.0.0.1"),
                "csrf-" + id);
        sessions.sessions.put(id, who);
        return new Session(id, who.csrfToken());
    }

    String url(String path) {
        return "https://127.0.0.1:" + portal.port() + path;
    }

    HttpResponse<String> get(Session s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", COOKIE + "=" + s.cookie()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> download(Session s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", COOKIE + "=" + s.cookie()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> postForm(Session s, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", COOKIE + "=" + s.cookie())
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
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
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", COOKIE + "=" + s.cookie())
                .header("Content-Type", "multipart/form-data; boundary=" + form.boundary)
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

    @Override
    public void close() {
        portal.close();
    }

    /** The test's session guard: the sessions handed out by {@link #signIn}, the cookie {@value #COOKIE}. */
    static final class Sessions implements SessionGuard {
        final Map<String, SignedIn> sessions = new ConcurrentHashMap<>();

        @Override
        public Optional<SignedIn> signedIn(PageRequest r) {
            return r.cookie(COOKIE).map(sessions::get);
        }

        @Override
        public boolean csrfMatches(SignedIn who, String token) {
            return token != null && java.security.MessageDigest.isEqual(who.csrfToken().getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8));
        }
    }
}
