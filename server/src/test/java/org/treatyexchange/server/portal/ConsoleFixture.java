package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * What the console's tests share: a copy of the shipped demo registry, which has a secretariat administrator
 * ({@code secretariat-admin}, a demo person with password and TOTP), that the tests may change, a report
 * filed through the State's form, the rows of a page's table, and a client certificate made by {@code openssl}.
 */
final class ConsoleFixture {

    static final String ADMIN = "secretariat-admin";
    static final String OFFICER = "secretariat";

    private ConsoleFixture() {
    }

    /** The configuration change: a copy of the demo registry as the registry file ({@link #file}). */
    static final class WithAdministrator implements UnaryOperator<ServerConfig> {
        /** The registry file the server uses, once started. */
        Path file;

        @Override
        public ServerConfig apply(ServerConfig c) {
            try {
                Path dir = Files.createTempDirectory("console-registry-");
                file = TestExchange.copyShippedRegistry(dir.resolve("registry.yaml"));
                assertThat(Files.readString(file)).contains("- name: " + ADMIN + "\n    role: secretariat-admin\n");
                return TestExchange.withRegistry(c, file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Files a report through the State's form for {@code period}; returns its filing id. */
    static String file(StatePortal portal, StatePortal.Session s, String type, String period, String level, String name) throws Exception {
        HttpResponse<String> r = portal.postMultipart(s, "/state/file", new StatePortal.Multipart().field("csrf", s.csrf())
                .field("reportType", type).field("period", period).field("level", level).field("title", "Title of " + name)
                .file("document", name, ("the report " + name).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("class=\"filing-id\">([0-9A-Za-z-]+)<").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The value of attribute {@code value} by the value of attribute {@code key} for each row of table {@code id}. */
    static Map<String, String> rows(String html, String tableId, String key, String value) {
        int start = html.indexOf("id=\"" + tableId + "\"");
        assertThat(start).as("table " + tableId).isGreaterThanOrEqualTo(0);
        String table = html.substring(start, html.indexOf("</table>", start));
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<tr ([^>]*)>").matcher(table);
        while (m.find()) {
            String k = attribute(m.group(1), key);
            if (k != null) {
                out.put(k, attribute(m.group(1), value));
            }
        }
        return out;
    }

    static String attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1) : null;
    }

    /** The outcome of each State on the public reporting table of {@code year}, as its cell's class says. */
    static Map<String, String> publicOutcomes(String html) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<tr data-state=\"([A-Z]+)\">\\s*<td>.*?</td>\\s*<td class=\"status-([a-z-]+)\"", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** A client key and self-signed certificate made by openssl: {key, certificate}, valid for {@code days}. */
    static Path[] opensslClient(Path dir, String name, int days) throws Exception {
        Path key = dir.resolve(name + ".key.pem");
        Path cert = dir.resolve(name + ".cert.pem");
        Processes.Result r = Processes.run(dir, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", Integer.toString(days), "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,digitalSignature",
                "-addext", "extendedKeyUsage=clientAuth,emailProtection"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return new Path[] {key, cert};
    }

    /** The SHA-256 fingerprint of a PEM certificate, as the registry writes it, from openssl. */
    static String fingerprint(Path dir, Path cert) throws Exception {
        Processes.Result r = Processes.run(dir, List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output().strip().replaceFirst(".*=", "").replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** The HTTP status of GET {@code /api/v1/inbox} with this client certificate over mutual TLS (curl). */
    static String apiStatus(TestExchange exchange, Path dir, Path[] client) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", exchange.server().caCertificate().toString(), "--cert",
                client[1].toString(), "--key", client[0].toString(), "-o", dir.resolve("inbox.out").toString(), "-w", "%{http_code}",
                exchange.apiUrl("/inbox")));
        return Processes.run(dir, cmd).output().strip();
    }
}
