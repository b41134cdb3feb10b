package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.cli.ExchangeCli;
import org.treatyexchange.server.TestExchange;
import picocli.CommandLine;

/**
 * The national systems' CLI says what is really wrong: an unknown report type by name (not an SFTP status),
 * an unreachable server by host and port; every sub-command answers {@code --help}; and {@code submit}
 * without {@code --level} follows the State's standing instruction.
 */
class ExchangeCliErrorsTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    @TempDir
    static Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    static Run cli(Path config, String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ExchangeCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), false);
        return new Run(code, out.toString(), err.toString());
    }

    /** A configuration for Arcadia's national system with its demo keys; {@code sftpPort} and {@code apiUrl} as given. */
    static Path config(String name, int sftpPort, String apiUrl) throws Exception {
        Path demo = exchange.home().resolve("demo");
        String hostKeys = String.join(", ", exchange.server().hostKeyFingerprints().stream().map(f -> f.substring(f.indexOf(' ') + 1)).toList());
        Path file = tmp.resolve(name);
        Files.writeString(file, String.join("\n",
                "account = arcadia-system",
                "state = ARC",
                "sftp.host = 127.0.0.1",
                "sftp.port = " + sftpPort,
                "sftp.key = " + demo.resolve("arcadia-system"),
                "sftp.hostKey = " + hostKeys,
                "api.url = " + apiUrl,
                "api.key = " + demo.resolve("arcadia-system-api.key.pem"),
                "api.certificate = " + demo.resolve("arcadia-system-api.cert.pem"),
                "api.ca = " + exchange.server().caCertificate(),
                "receiptCertificate = " + exchange.server().receiptCertificate(),
                "retry.attempts = 1",
                "retry.initialDelaySeconds = 0", ""));
        return file;
    }

    static Path good() throws Exception {
        return config("good.properties", exchange.server().sftpPort(), "https://127.0.0.1:" + exchange.server().apiPort());
    }

    @Test
    void everySubcommandAnswersHelpWithExitZero() {
        List<String> names = new ArrayList<>();
        for (Class<?> sub : ExchangeCli.class.getAnnotation(CommandLine.Command.class).subcommands()) {
            names.add(sub.getAnnotation(CommandLine.Command.class).name());
        }
        assertThat(names).contains("submit", "send", "inbox", "ack", "fetch", "verify-receipt", "keygen", "host-key");
        for (String name : names) {
            StringWriter out = new StringWriter();
            int code = ExchangeCli.run(new String[] {name, "--help"}, new PrintWriter(out, true), new PrintWriter(out, true), Map.of(), false);
            assertThat(code).as("exchange %s --help: %s", name, out).isZero();
            assertThat(out.toString()).contains("Usage: exchange " + name);
        }
    }

    @Test
    void anUnknownReportTypeIsNamedAsSuchNotAsAnSftpStatus() throws Exception {
        Path doc = Files.writeString(tmp.resolve("report.pdf"), "a report");
        Run r = cli(good(), "submit", doc.toString(), "--report-type", "anual-report", "--level", "states-parties");
        assertThat(r.code()).as(r.err()).isEqualTo(ExchangeCli.REFUSED);
        assertThat(r.err()).contains("no report type 'anual-report'").contains("annual-report").doesNotContain("HTTP")
                .doesNotContain("no-such-file");
    }

    @Test
    void anUnreachableServerIsNamedByHostAndPort() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort(); // free again once closed: nothing listens there
        }
        Path conf = config("unreachable.properties", closed, "https://127.0.0.1:" + closed);
        Path doc = Files.writeString(tmp.resolve("unreached.pdf"), "a report");
        Run sftp = cli(conf, "submit", doc.toString(), "--report-type", "annual-report", "--level", "states-parties");
        assertThat(sftp.code()).isEqualTo(ExchangeCli.UNAVAILABLE);
        assertThat(sftp.err()).contains("SFTP server at 127.0.0.1:" + closed);
        Run api = cli(conf, "inbox");
        assertThat(api.code()).as(api.err()).isEqualTo(ExchangeCli.UNAVAILABLE);
        assertThat(api.err()).contains("HTTPS API at 127.0.0.1:" + closed);
    }

    @Test
    void submitWithoutALevelFollowsTheStatesStandingInstruction() throws Exception {
        // Arcadia's registry instruction publishes its annual reports; the report type's default is states-parties
        Path doc = Files.writeString(tmp.resolve("annual-no-level.pdf"), "an annual report that says no level");
        Run r = cli(good(), "--json", "submit", doc.toString(), "--report-type", "annual-report", "--period", "2025",
                "-o", tmp.resolve("annual-no-level.p7s").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.path("receipt").path("level").asText()).isEqualTo("public");
        assertThat(exchange.admin("show", n.path("filingId").asText())).contains("standing-instruction");
    }
}
