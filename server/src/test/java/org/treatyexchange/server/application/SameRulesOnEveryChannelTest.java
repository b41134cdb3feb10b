package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * The same request gets the same answer on every channel. Each scenario runs through the stock
 * clients of each channel that offers its action — MINA's SFTP client, {@code openssl cms} + {@code curl}
 * on the signed-message channel, the admin CLI — against one real server, and every channel must give
 * the scenario's expected outcome: accepted, or refused with the expected reason code (SFTP: the code
 * that starts the status message, else what the status means; HTTPS: the problem type; CLI: the code
 * it prints).
 */
class SameRulesOnEveryChannelTest {

    /** Small limits, so that size and quota refusals cost little: 64 KiB per document, 100 KiB per account. */
    static final long MAX_FILE = 64 * 1024;
    static final long QUOTA = 100 * 1024;

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c.withLimits(new ServerConfig.Limits(MAX_FILE, QUOTA,
            c.limits().maxOpenHandles(), c.limits().maxSessionsPerAccount(), c.limits().maxFileNameLength())));

    @TempDir
    static Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger COUNTER = new AtomicInteger();
    static final String ACCEPTED = "accepted";
    static final int LAST_YEAR = LocalDate.now(ZoneOffset.UTC).getYear() - 1;

    enum Channel { SFTP, HTTPS, ADMIN }

    /** What a channel answered: {@code accepted} or the refusal's reason code. */
    record Outcome(String code, String detail) {
        static Outcome accepted(String detail) {
            return new Outcome(ACCEPTED, detail);
        }
    }

    // ---- the scenarios ----------------------------------------------------------------------------

    /** A filing by a State: report type, the level it says (null: none), named States, period (null: none), name, size and title (null: none). */
    record Doc(String state, String reportType, String level, List<String> named, String period, String name, int size, String title) {
        Doc(String state, String reportType, String level, List<String> named, String period, String name, int size) {
            this(state, reportType, level, named, period, name, size, null);
        }

        Doc named(String newName) {
            return new Doc(state, reportType, level, named, period, newName, size, title);
        }

        Doc titled(String newTitle) {
            return new Doc(state, reportType, level, named, period, name, size, newTitle);
        }
    }

    static Doc doc(String reportType, String level, List<String> named, String period) {
        return new Doc("ARC", reportType, level, named, period, null, 600);
    }

    static Doc annual(String level) {
        return doc("annual-report", level, List.of(), Integer.toString(LAST_YEAR));
    }

    @TestFactory
    Stream<DynamicContainer> filingsAreJudgedAlikeOverSftpAndHttps() {
        List<Object[]> cases = List.of(
                new Object[] {"a states-parties annual report", annual("states-parties"), ACCEPTED},
                new Object[] {"a public annual report", annual("public"), ACCEPTED},
                new Object[] {"a secretariat-only annual report", annual("secretariat"), ACCEPTED},
                new Object[] {"a report that says no level (the instruction applies)", annual(null), ACCEPTED},
                new Object[] {"a named report to two States Parties", doc("annual-report", "named", List.of("BOR", "SYL"),
                        Integer.toString(LAST_YEAR)), ACCEPTED},
                new Object[] {"a named report naming a signatory", doc("annual-report", "named", List.of("BOR", "CAL"),
                        Integer.toString(LAST_YEAR)), "invalid-routing"},
                new Object[] {"a named report naming the filer itself", doc("annual-report", "named", List.of("ARC", "BOR"),
                        Integer.toString(LAST_YEAR)), "invalid-routing"},
                new Object[] {"a named report naming a State not in the registry", doc("annual-report", "named", List.of("BOR", "ZZZ"),
                        Integer.toString(LAST_YEAR)), "invalid-routing"},
                new Object[] {"a states-parties report that also names States (the wire format forbids it)", doc("annual-report",
                        "states-parties", List.of("BOR"), Integer.toString(LAST_YEAR)), "malformed"},
                new Object[] {"a national report without a period", doc("national-report", "states-parties", List.of(), null),
                        "invalid-period"},
                new Object[] {"a national report over two years", doc("national-report", "states-parties", List.of(),
                        (LAST_YEAR - 1) + "-" + LAST_YEAR), ACCEPTED},
                new Object[] {"a national report over four years", doc("national-report", "states-parties", List.of(),
                        (LAST_YEAR - 3) + "-" + LAST_YEAR), "invalid-period"},
                new Object[] {"an annual report over a range of years", doc("annual-report", "states-parties", List.of(),
                        (LAST_YEAR - 1) + "-" + LAST_YEAR), "invalid-period"},
                new Object[] {"an annual report for a year to come", doc("annual-report", "states-parties", List.of(),
                        Integer.toString(LAST_YEAR + 3)), "invalid-period"},
                new Object[] {"correspondence with a period", doc("correspondence", "secretariat", List.of(),
                        Integer.toString(LAST_YEAR)), "invalid-period"},
                new Object[] {"an unknown report type", doc("bogus-report", "states-parties", List.of(), null), "unknown-report-type"},
                new Object[] {"a name with a right-to-left override", annual("states-parties").named("report-2025\u202efdp.exe"),
                        "invalid-name"},
                new Object[] {"a name with a zero-width space", annual("states-parties").named("report\u200b.pdf"), "invalid-name"},
                new Object[] {"a name with a byte-order mark", annual("states-parties").named("\ufeffreport.pdf"), "invalid-name"},
                new Object[] {"a name with a soft hyphen", annual("states-parties").named("re\u00adport.pdf"), "invalid-name"},
                new Object[] {"a name with a combining grapheme joiner", annual("states-parties").named("re\u034fport.pdf"), "invalid-name"},
                new Object[] {"a name with a Unicode tag character", annual("states-parties").named("report\udb40\udc41.pdf"),
                        "invalid-name"},
                new Object[] {"a name with a line separator", annual("states-parties").named("report\u2028x.pdf"), "invalid-name"},
                new Object[] {"a name with a leading space", annual("states-parties").named(" report.pdf"), "invalid-name"},
                new Object[] {"a name with a trailing no-break space", annual("states-parties").named("report.pdf\u00a0"), "invalid-name"},
                new Object[] {"a name with a trailing ideographic space", annual("states-parties").named("report.pdf\u3000"), "invalid-name"},
                new Object[] {"a name longer than 255 bytes", annual("states-parties").named("r".repeat(252) + ".pdf"), "invalid-name"},
                new Object[] {"a name in another script", annual("states-parties").named("Отчёт-годовой.pdf"), ACCEPTED},
                new Object[] {"a report with a title in another script", annual("states-parties").titled("Годовой отчёт — экспорт"), ACCEPTED},
                new Object[] {"a title of 300 characters", annual("states-parties").titled("t".repeat(300)), ACCEPTED},
                new Object[] {"a title of 301 characters", annual("states-parties").titled("t".repeat(301)), "malformed"},
                new Object[] {"a title with a line break", annual("states-parties").titled("Annual report\nBcc: x"), "malformed"},
                new Object[] {"a title with a right-to-left override", annual("states-parties").titled("Report \u202efdp.exe"), "malformed"},
                new Object[] {"a title with a zero-width space", annual("states-parties").titled("Annual\u200breport"), "malformed"},
                new Object[] {"a title with a trailing space", annual("states-parties").titled("Annual report "), "malformed"},
                new Object[] {"a document over the size limit", new Doc("ARC", "annual-report", "states-parties", List.of(),
                        Integer.toString(LAST_YEAR), null, (int) MAX_FILE + 1), "too-large"});
        return cases.stream().map(c -> scenario((String) c[0], (String) c[2], List.of(Channel.SFTP, Channel.HTTPS),
                channel -> file(channel, (Doc) c[1])));
    }

    @TestFactory
    Stream<DynamicContainer> aFilingIsShownUnderTheTitleItSaysElseItsName() {
        return Stream.of(
                scenario("a filing that says a title", ACCEPTED, List.of(Channel.SFTP, Channel.HTTPS),
                        ch -> fileAndShow(ch, "Rapport annuel — exportations " + COUNTER.incrementAndGet())),
                // the signed envelope always carries a title; a manifest may leave it out
                scenario("a filing that says none", ACCEPTED, List.of(Channel.SFTP), ch -> fileAndShow(ch, null)));
    }

    /** Files a report with {@code title} (null: none) and checks the title the secretariat is shown: that one, else the file name. */
    static Outcome fileAndShow(Channel channel, String title) throws Exception {
        String name = "titled-" + COUNTER.incrementAndGet() + ".pdf";
        Outcome filed = file(channel, annual("states-parties").named(name).titled(title));
        if (!filed.code().equals(ACCEPTED)) {
            return filed;
        }
        String id = exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).findFirst().orElseThrow().split(" ")[0];
        JsonNode shown = JSON.readTree(exchange.admin("show", id).substring(2)).path("filing");
        assertThat(shown.path("title").asText()).as("over %s", channel).isEqualTo(title != null ? title : name);
        assertThat(shown.path("fileName").asText()).isEqualTo(name);
        return filed;
    }

    @TestFactory
    Stream<DynamicContainer> theQuotaIsTheSameOnEveryChannel() {
        // Sylvania's accounts each file 60 KiB (accepted), then 60 KiB more (over its 100 KiB quota).
        Doc first = new Doc("SYL", "annual-report", "secretariat", List.of(), Integer.toString(LAST_YEAR), null, 60 * 1024);
        return Stream.of(
                scenario("filing within the account's quota", ACCEPTED, List.of(Channel.SFTP, Channel.HTTPS), ch -> file(ch, first)),
                scenario("filing past the account's quota", "quota-exceeded", List.of(Channel.SFTP, Channel.HTTPS), ch -> file(ch, first)));
    }

    @TestFactory
    Stream<DynamicContainer> decisionsAreJudgedAlikeOnEveryChannel() {
        String unknown = "20200101T000000Z-AAAAAAAAAA";
        return Stream.of(
                scenario("a State withdraws its own filing", ACCEPTED, List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN),
                        ch -> withdraw(ch, filedBy("ARC"), "filed by mistake")),
                scenario("a State withdraws a filing twice", ACCEPTED, List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN), ch -> {
                    String id = filedBy("ARC");
                    withdraw(ch, id, "first");
                    return withdraw(ch, id, "again");
                }),
                scenario("a State withdraws a filing that does not exist", "not-found", List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN),
                        ch -> withdraw(ch, unknown, "no such")),
                scenario("a State withdraws another State's filing", "not-found", List.of(Channel.SFTP, Channel.HTTPS),
                        ch -> withdraw(ch, filedBy("BOR"), "not ours")),
                scenario("the secretariat releases a pending filing", ACCEPTED, List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN),
                        ch -> release(ch, filedBy("ARC"))),
                scenario("the secretariat releases a filing twice", "conflict", List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN), ch -> {
                    String id = filedBy("ARC");
                    assertThat(release(ch, id).code()).isEqualTo(ACCEPTED);
                    return release(ch, id);
                }),
                scenario("the secretariat releases a filing that does not exist", "not-found",
                        List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN), ch -> release(ch, unknown)),
                scenario("the secretariat holds a filing without a reason", "malformed", List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN),
                        ch -> hold(ch, filedBy("ARC"), " ")),
                scenario("the secretariat holds a released filing", "conflict", List.of(Channel.SFTP, Channel.HTTPS, Channel.ADMIN), ch -> {
                    String id = filedBy("ARC");
                    assertThat(release(ch, id).code()).isEqualTo(ACCEPTED);
                    return hold(ch, id, "too late");
                }),
                scenario("a State tries to release a filing", "forbidden", List.of(Channel.SFTP, Channel.HTTPS),
                        ch -> releaseAsState(ch, filedBy("ARC"))));
    }

    static DynamicContainer scenario(String title, String expected, List<Channel> channels, Run run) {
        return DynamicContainer.dynamicContainer(title, channels.stream().map(channel -> DynamicTest.dynamicTest(channel.name(), () -> {
            Outcome outcome = run.on(channel);
            assertThat(outcome.code()).as("%s over %s: %s", title, channel, outcome.detail()).isEqualTo(expected);
        })));
    }

    @FunctionalInterface
    interface Run {
        Outcome on(Channel channel) throws Exception;
    }

    // ---- filing -----------------------------------------------------------------------------------

    static Outcome file(Channel channel, Doc d) throws Exception {
        int n = COUNTER.incrementAndGet();
        Doc doc = d.name() == null ? d.named("contract-" + n + ".pdf") : d;
        byte[] bytes = new byte[doc.size()];
        java.util.Arrays.fill(bytes, (byte) ('a' + n % 26));
        return switch (channel) {
            case SFTP -> fileBySftp(doc, bytes);
            case HTTPS -> fileByHttps(doc, bytes, n);
            case ADMIN -> throw new IllegalArgumentException("the admin CLI files nothing");
        };
    }

    static String officer(String state) {
        return switch (state) {
            case "ARC" -> "arcadia";
            case "BOR" -> "borealia";
            case "SYL" -> "sylvania";
            default -> "calvera";
        } + "-officer";
    }

    static String system(String state) {
        return officer(state).replace("-officer", "-system");
    }

    static Outcome fileBySftp(Doc d, byte[] bytes) throws Exception {
        String folder = "/submit/" + d.reportType() + (d.level() == null ? "" : "/" + d.level());
        try (ClientSession s = exchange.login(officer(d.state())); SftpClient sftp = exchange.sftp(s)) {
            if (d.period() != null || !d.named().isEmpty() || d.title() != null) {
                ObjectNode m = JSON.createObjectNode().put("version", 1).put("reportType", d.reportType());
                if (d.level() != null) {
                    m.put("level", d.level()); // a manifest repeats its folder's level
                }
                if (d.period() != null) {
                    m.put("period", d.period());
                }
                if (!d.named().isEmpty()) {
                    d.named().forEach(m.putArray("namedStates")::add);
                }
                m.put("withheld", false);
                if (d.title() != null) {
                    m.put("title", d.title());
                }
                Outcome manifest = sftpWrite(sftp, folder + "/" + d.name() + ".manifest.json", JSON.writeValueAsBytes(m));
                if (!manifest.code().equals(ACCEPTED)) {
                    return manifest;
                }
            }
            return sftpWrite(sftp, folder + "/" + d.name(), bytes);
        }
    }

    static Outcome sftpWrite(SftpClient sftp, String path, byte[] bytes) {
        try (OutputStream out = sftp.write(path)) {
            out.write(bytes);
        } catch (SftpException e) {
            return sftpRefusal(e);
        } catch (IOException e) {
            if (e.getCause() instanceof SftpException s) {
                return sftpRefusal(s);
            }
            return new Outcome("client-error", e.toString());
        }
        return Outcome.accepted(path);
    }

    /** The reason code an SFTP refusal carries: the code its message starts with, else what its status means. */
    static Outcome sftpRefusal(SftpException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int colon = message.indexOf(": ");
        if (colon > 0 && message.substring(0, colon).matches("[a-z]+(-[a-z]+)*")) {
            return new Outcome(message.substring(0, colon), e.getStatus() + " " + message);
        }
        String code = switch (e.getStatus()) {
            case SftpConstants.SSH_FX_NO_SUCH_FILE -> "not-found";
            case SftpConstants.SSH_FX_PERMISSION_DENIED -> "forbidden";
            default -> "sftp-status-" + e.getStatus();
        };
        return new Outcome(code, e.getStatus() + " " + message);
    }

    static Outcome fileByHttps(Doc d, byte[] bytes, int n) throws Exception {
        ObjectNode env = JSON.createObjectNode().put("version", 1).put("messageId", "contract-" + n).put("type", "filing")
                .put("state", d.state()).put("createdAt", Instant.now().toString());
        if (d.level() != null) {
            env.put("level", d.level());
        }
        if (!d.named().isEmpty()) {
            d.named().forEach(env.putArray("namedStates")::add);
        }
        env.put("reportType", d.reportType());
        if (d.period() != null) {
            env.put("period", d.period());
        }
        env.put("title", d.title() != null ? d.title() : "Contract scenario " + n).put("withheld", false);
        env.putArray("documents").addObject().put("name", d.name()).put("size", bytes.length).put("sha256", sha256(bytes))
                .put("mediaType", "application/pdf");
        Path signed = sign(system(d.state()), JSON.writeValueAsBytes(env), n);
        return https(system(d.state()), "/messages", multipart(Files.readAllBytes(signed), d.name(), bytes, n));
    }

    /**
     * A multipart/form-data body of the envelope and its document, the document's name as RFC 8187
     * {@code filename*} (UTF-8, percent-encoded) so that any name reaches the server as it is; curl sends it.
     */
    static List<String> multipart(byte[] envelope, String name, byte[] document, int n) throws IOException {
        String boundary = "contract-boundary-" + n;
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"envelope\"; filename=\"envelope.p7s\"\r\n"
                + "Content-Type: application/pkcs7-mime\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(envelope);
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
                encoded.append((char) c);
            } else {
                encoded.append(String.format(java.util.Locale.ROOT, "%%%02X", c));
            }
        }
        body.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"document\"; filename*=UTF-8''" + encoded
                + "\r\nContent-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(document);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Path file = tmp.resolve("multipart-" + n);
        Files.write(file, body.toByteArray());
        return List.of("-H", "Content-Type: multipart/form-data; boundary=" + boundary, "--data-binary", "@" + file);
    }

    static Path sign(String account, byte[] json, int n) throws Exception {
        Path in = tmp.resolve("envelope-" + n + ".json");
        Files.write(in, json);
        Path out = tmp.resolve("envelope-" + n + ".p7s");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-md", "sha256",
                "-in", in.toString(), "-signer", demo(account + "-api.cert.pem").toString(), "-inkey", demo(account + "-api.key.pem").toString(),
                "-out", out.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return out;
    }

    // ---- decisions --------------------------------------------------------------------------------

    static Outcome withdraw(Channel channel, String id, String reason) throws Exception {
        return switch (channel) {
            case SFTP -> actionFile(officer("ARC"), "/withdraw/" + id, reason);
            case HTTPS -> https(system("ARC"), "/filings/" + id + "/withdraw", json("reason", reason));
            case ADMIN -> admin("withdraw", id, "--reason", reason);
        };
    }

    static Outcome release(Channel channel, String id) throws Exception {
        return switch (channel) {
            case SFTP -> actionFile("secretariat", "/release/" + id, "");
            case HTTPS -> https("secretariat", "/secretariat/filings/" + id + "/release", List.of("-X", "POST"));
            case ADMIN -> admin("release", id);
        };
    }

    static Outcome hold(Channel channel, String id, String reason) throws Exception {
        return switch (channel) {
            case SFTP -> actionFile("secretariat", "/hold/" + id, reason);
            case HTTPS -> https("secretariat", "/secretariat/filings/" + id + "/hold", json("reason", reason));
            case ADMIN -> admin("hold", id, "--reason", reason);
        };
    }

    static Outcome releaseAsState(Channel channel, String id) throws Exception {
        return switch (channel) {
            case SFTP -> actionFile(officer("ARC"), "/release/" + id, "");
            case HTTPS -> https(system("ARC"), "/secretariat/filings/" + id + "/release", List.of("-X", "POST"));
            case ADMIN -> throw new IllegalArgumentException("the admin CLI is the secretariat's");
        };
    }

    static Outcome actionFile(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
            return sftpWrite(sftp, path, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A new filing of {@code state}, by its system over HTTPS; its id. */
    static String filedBy(String state) throws Exception {
        int n = COUNTER.incrementAndGet();
        Doc d = new Doc(state, "annual-report", "states-parties", List.of(), Integer.toString(LAST_YEAR), "decided-" + n + ".pdf", 100);
        byte[] bytes = ("decision scenario " + n).getBytes(StandardCharsets.UTF_8);
        Outcome o = fileByHttps(new Doc(d.state(), d.reportType(), d.level(), d.named(), d.period(), d.name(), bytes.length), bytes, n);
        assertThat(o.code()).as(o.detail()).isEqualTo(ACCEPTED);
        String listing = exchange.admin("filings", "--state", state);
        return listing.lines().filter(l -> l.endsWith(" " + d.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no filing named " + d.name() + " in\n" + listing)).split(" ")[0];
    }

    // ---- the channels' clients ----------------------------------------------------------------------

    static List<String> json(String field, String value) throws Exception {
        return List.of("-H", "Content-Type: application/json", "--data-binary", JSON.writeValueAsString(JSON.createObjectNode().put(field, value)));
    }

    /** curl with the account's API certificate: accepted on 2xx, else the problem type's code. */
    static Outcome https(String account, String path, List<String> args) throws Exception {
        Path out = tmp.resolve("response-" + COUNTER.incrementAndGet());
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", exchange.server().caCertificate().toString(), "--cert",
                demo(account + "-api.cert.pem").toString(), "--key", demo(account + "-api.key.pem").toString(), "-o", out.toString(),
                "-w", "%{http_code}"));
        cmd.addAll(args);
        cmd.add(exchange.apiUrl(path));
        Processes.Result r = Processes.run(tmp, cmd);
        assertThat(r.exitCode()).as("curl: " + r.output()).isZero();
        int status = Integer.parseInt(r.output().strip());
        if (status / 100 == 2) {
            return Outcome.accepted("HTTP " + status);
        }
        String body = Files.readString(out);
        String type = JSON.readTree(body).path("type").asText("");
        return new Outcome(type.substring(type.lastIndexOf(':') + 1), "HTTP " + status + " " + body);
    }

    /** The admin CLI: accepted on exit 0, else the reason code it prints. */
    static Outcome admin(String... args) {
        String answer = exchange.admin(args);
        int exit = Integer.parseInt(answer.substring(0, answer.indexOf('\n')));
        if (exit == 0) {
            return Outcome.accepted(answer);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("refused \\(([a-z-]+)\\)").matcher(answer);
        return new Outcome(m.find() ? m.group(1) : "exit-" + exit, answer);
    }

    static Path demo(String file) {
        return exchange.home().resolve("demo").resolve(file);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
