package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;

/**
 * The secretariat's mandate, end to end through SFTP and the admin CLI: a filing waits as pending,
 * is released to exactly the States its level entitles, public ones reach the public area, a
 * secretariat-only one goes nowhere, and a withdrawn one disappears again.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class ReleaseFlowTest {

    /** The database this run of the class stores its metadata in (a fresh one on PostgreSQL). */
    @Parameter
    TestDatabase.Kind databaseKind;

    static TestDatabase database;

    @TempDir
    static Path root;
    /** This run's own folder under {@link #root} (one per database). */
    static Path tmp;

    static TestExchange exchange;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase.Kind kind) throws Exception {
        tmp = java.nio.file.Files.createDirectories(root.resolve(kind.name().toLowerCase(java.util.Locale.ROOT)));
        database = TestDatabase.create(kind);
        exchange = TestExchange.start(tmp.resolve("home"), database);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        try {
            exchange.close();
        } finally {
            database.close();
        }
    }

    static String file(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    @Test
    void listingsShowTheCurrentVersionOnlyAndNoWithdrawnFiling() throws Exception {
        String folder = "/submit/national-report/states-parties/";
        String manifest = "{\"version\":1,\"reportType\":\"national-report\",\"period\":\"2024-2025\",\"level\":\"states-parties\"}";
        put("arcadia-officer", folder + "poa.pdf.manifest.json", manifest);
        String first = file("arcadia-officer", folder + "poa.pdf", "first version");
        put("arcadia-officer", folder + "poa.pdf.manifest.json", manifest);
        String second = file("arcadia-officer", folder + "poa.pdf", "second version");
        // the first version is superseded: releasing it needs a confirmation that names the newer one
        assertThat(exchange.admin("release", first)).doesNotStartWith("0\n").contains("conflict", "superseded by the newer version " + second);
        assertThat(exchange.admin("release", first, "--superseded-by", first)).doesNotStartWith("0\n").contains("conflict");
        assertThat(exchange.admin("release", first, "--superseded-by", second)).startsWith("0\n");
        assertThat(exchange.admin("release", second)).startsWith("0\n");
        // the recipient sees the current version only
        assertThat(names("borealia-officer", "/distributed")).contains(second + "--poa.pdf").doesNotContain(first + "--poa.pdf");
        try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s);
                java.io.InputStream in = sftp.read("/distributed/" + second + "--poa.pdf")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second version");
        }
        // the end of that download is not a refusal
        assertThat(auditOf("sftp.refused")).doesNotContain("SSH_FX_EOF");
        // withdrawn, the current version leaves the State's folder (and the recipients' /distributed/)
        assertThat(names("arcadia-officer", folder)).contains("poa.pdf");
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s);
                OutputStream out = sftp.write("/withdraw/" + second)) {
            out.write("sent in error".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(names("arcadia-officer", folder)).doesNotContain("poa.pdf");
        assertThat(names("borealia-officer", "/distributed")).doesNotContain(second + "--poa.pdf");
    }

    static void put(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every audit event of one type, as exported JSON lines. */
    static String auditOf(String type) throws Exception {
        Path out = Files.createTempFile("audit", ".jsonl");
        Files.delete(out);
        assertThat(exchange.admin("export-audit", "--out", out.toString())).startsWith("0\n");
        String lines = Files.readAllLines(out).stream().filter(l -> l.contains("\"type\":\"" + type + "\"")).reduce("", (a, b) -> a + b + "\n");
        Files.delete(out);
        return lines;
    }

    static List<String> names(String account, String dir) throws IOException, java.security.GeneralSecurityException {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
            List<String> names = new ArrayList<>();
            sftp.readDir(dir).forEach(e -> {
                if (!e.getFilename().startsWith(".")) {
                    names.add(e.getFilename());
                }
            });
            return names;
        }
    }

    static String read(String account, String path) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); InputStream in = sftp.read(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStatesPartiesReportIsPendingThenReachesExactlyTheOtherStatesParties() throws Exception {
        String id = file("arcadia-officer", "/submit/annual-report/states-parties/arc-annual-2025.pdf", "ARC annual 2025");
        assertThat(exchange.admin("pending")).contains(id).contains("BOR,SYL");
        assertThat(names("borealia-officer", "/distributed")).noneMatch(n -> n.startsWith(id));

        assertThat(exchange.admin("release", id)).startsWith("0\n");
        assertThat(exchange.admin("pending")).doesNotContain(id);
        for (String party : List.of("borealia-officer", "sylvania-system")) {
            assertThat(names(party, "/distributed")).contains(id + "--arc-annual-2025.pdf");
            assertThat(read(party, "/distributed/" + id + "--arc-annual-2025.pdf")).isEqualTo("ARC annual 2025");
            assertThat(names(party, "/distributed")).anyMatch(n -> n.endsWith("-distribution.p7s"));
        }
        assertThat(names("calvera-officer", "/distributed")).noneMatch(n -> n.contains(id));
        assertThat(names("arcadia-officer", "/distributed")).noneMatch(n -> n.contains(id));
        assertThat(names("calvera-officer", "/public")).noneMatch(n -> n.contains(id));
        // released twice is refused; distribution happened once
        assertThat(exchange.admin("release", id)).startsWith("6\n").contains("refused (conflict)").contains("released");
        assertThat(names("borealia-officer", "/distributed").stream().filter(n -> n.contains(id)).count()).isEqualTo(1);
    }

    @Test
    void aPublicReportReachesThePublicAreaAndDisappearsWhenWithdrawn() throws Exception {
        String id = file("sylvania-officer", "/submit/annual-report/public/syl-annual-2025.pdf", "SYL annual 2025, public");
        assertThat(names("calvera-officer", "/public")).noneMatch(n -> n.contains(id));
        assertThat(exchange.admin("release", id)).startsWith("0\n");
        assertThat(names("calvera-officer", "/public")).contains(id + "--syl-annual-2025.pdf");
        assertThat(read("calvera-officer", "/public/" + id + "--syl-annual-2025.pdf")).isEqualTo("SYL annual 2025, public");
        assertThat(names("arcadia-officer", "/distributed")).contains(id + "--syl-annual-2025.pdf");

        assertThat(exchange.admin("withdraw", id, "--reason", "replaced by a corrected version")).startsWith("0\n");
        assertThat(names("calvera-officer", "/public")).noneMatch(n -> n.contains(id));
        assertThat(names("arcadia-officer", "/distributed")).noneMatch(n -> n.startsWith(id));
        assertThat(exchange.admin("show", id)).contains("withdrawn").contains("replaced by a corrected version");
    }

    @Test
    void aWithdrawalNeedsAReasonAndABlankOneChangesNothing() throws Exception {
        String id = file("sylvania-officer", "/submit/annual-report/public/syl-annual-2026.pdf", "SYL annual 2026, public");
        assertThat(exchange.admin("withdraw", id)).doesNotStartWith("0\n").contains("--reason");
        assertThat(exchange.admin("withdraw", id, "--reason", "   ")).startsWith("2\n").contains("refused (malformed)")
                .contains("a withdrawal needs a reason");
        assertThat(exchange.admin("show", id)).contains("\"status\" : \"pending\"").doesNotContain("withdrawn");
        assertThat(exchange.admin("withdraw", id, "--reason", "filed by mistake")).startsWith("0\n");
        assertThat(exchange.admin("show", id)).contains("withdrawn").contains("filed by mistake");
    }

    @Test
    void aSecretariatOnlyReportGoesNowhereAndAHoldNeedsAReason() throws Exception {
        String id = file("borealia-officer", "/submit/initial-report/secretariat/bor-initial.pdf", "BOR initial report");
        assertThat(exchange.admin("hold", id, "--reason", "annex missing")).startsWith("0\n");
        assertThat(exchange.admin("pending")).contains(id).contains("held");
        assertThat(exchange.admin("release", id)).startsWith("0\n");
        for (String other : List.of("arcadia-officer", "sylvania-officer", "calvera-officer")) {
            assertThat(names(other, "/distributed")).noneMatch(n -> n.contains(id));
            assertThat(names(other, "/public")).noneMatch(n -> n.contains(id));
        }
        assertThat(exchange.admin("show", id)).contains("annex missing").contains("\"status\" : \"released\"");
    }

    @Test
    void aStateWithdrawsItsOwnFilingOverSftpAndHttpsButNeverAnotherStates() throws Exception {
        String viaSftp = file("arcadia-officer", "/submit/annual-report/public/arc-to-withdraw.pdf", "ARC public, to withdraw");
        assertThat(exchange.admin("release", viaSftp)).startsWith("0\n");
        assertThat(names("calvera-officer", "/public")).contains(viaSftp + "--arc-to-withdraw.pdf");
        // another State's filing answers exactly like a missing one, and nothing changes
        for (String id : List.of(viaSftp, "20200101T000000000Z-0000000000")) {
            assertThatThrownBy(() -> write("borealia-officer", "/withdraw/" + id, "not ours"))
                    .isInstanceOfSatisfying(org.apache.sshd.sftp.common.SftpException.class,
                            e -> assertThat(e.getStatus()).isEqualTo(org.apache.sshd.sftp.common.SftpConstants.SSH_FX_NO_SUCH_FILE));
        }
        assertThat(names("calvera-officer", "/public")).contains(viaSftp + "--arc-to-withdraw.pdf");

        write("arcadia-officer", "/withdraw/" + viaSftp + ".txt", "superseded by a corrected version\n");
        assertThat(names("calvera-officer", "/public")).noneMatch(n -> n.contains(viaSftp));
        assertThat(names("borealia-officer", "/distributed")).noneMatch(n -> n.startsWith(viaSftp));
        assertThat(exchange.admin("show", viaSftp)).contains("\"status\" : \"withdrawn\"").contains("superseded by a corrected version")
                .contains("arcadia-officer");
        assertThat(names("arcadia-officer", "/withdraw")).isEmpty();

        String viaApi = file("arcadia-system", "/submit/annual-report/states-parties/arc-to-withdraw-api.pdf", "ARC, to withdraw by API");
        Path out = tmp.resolve("withdraw-out.json");
        String path = url("/filings/" + viaApi + "/withdraw");
        List<String> json = List.of("-X", "POST", "-H", "Content-Type: application/json");
        assertThat(curl("borealia-system", out, concat(json, "--data", "{\"reason\":\"not ours\"}", path)).output()).isEqualTo("404");
        assertThat(curl("secretariat", out, concat(json, "--data", "{\"reason\":\"by the secretariat\"}", path)).output()).isEqualTo("403");
        assertThat(curl("arcadia-system", out, concat(json, "--data", "{}", path)).output()).isEqualTo("400");
        assertThat(exchange.admin("show", viaApi)).doesNotContain("\"status\" : \"withdrawn\"");
        assertThat(curl("arcadia-system", out, concat(json, "--data", "{\"reason\":\"filed by mistake\"}", path)).output()).isEqualTo("200");
        assertThat(Files.readString(out)).contains("\"status\":\"withdrawn\"");
        assertThat(exchange.admin("show", viaApi)).contains("\"status\" : \"withdrawn\"").contains("filed by mistake");
        assertThat(exchange.admin("verify-audit")).startsWith("0\n");
    }

    static void write(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String[] concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    static org.treatyexchange.server.Processes.Result curl(String account, Path out, String... args) throws Exception {
        return exchange.curl(account, out, args);
    }

    static String url(String path) {
        return exchange.apiUrl(path);
    }

    @Test
    void theSecretariatReleasesAndHoldsThroughTheApi() throws Exception {
        String held = file("borealia-system", "/submit/annual-report/states-parties/bor-annual-2025.pdf", "BOR annual 2025");
        String released = file("borealia-system", "/submit/annual-report/public/bor-public-2025.pdf", "BOR public 2025");
        Path out = tmp.resolve("api-out.json");

        assertThat(curl("secretariat", out, url("/secretariat/pending")).output()).isEqualTo("200");
        assertThat(java.nio.file.Files.readString(out)).contains(held).contains(released).contains("\"recipients\":[\"ARC\",\"SYL\"]");

        // a State may not use the secretariat's desk
        assertThat(curl("arcadia-system", out, url("/secretariat/pending")).output()).isEqualTo("403");
        assertThat(curl("arcadia-system", out, "-X", "POST", url("/secretariat/filings/" + released + "/release")).output())
                .isEqualTo("403");
        assertThat(names("arcadia-officer", "/distributed")).noneMatch(n -> n.contains(released));

        assertThat(curl("secretariat", out, "-X", "POST", url("/secretariat/filings/" + released + "/release")).output()).isEqualTo("200");
        assertThat(java.nio.file.Files.readString(out)).contains("\"status\":\"released\"");
        assertThat(names("calvera-officer", "/public")).contains(released + "--bor-public-2025.pdf");

        assertThat(curl("secretariat", out, "-X", "POST", "-H", "Content-Type: application/json", "--data", "{}",
                url("/secretariat/filings/" + held + "/hold")).output()).isEqualTo("400");
        assertThat(curl("secretariat", out, "-X", "POST", "-H", "Content-Type: application/json", "--data",
                "{\"reason\":\"figures under verification\"}", url("/secretariat/filings/" + held + "/hold")).output()).isEqualTo("200");
        assertThat(exchange.admin("show", held)).contains("figures under verification").contains("\"status\" : \"held\"");
        assertThat(curl("secretariat", out, "-X", "POST", url("/secretariat/filings/20261123T000000000Z-0000000000/release")).output())
                .isEqualTo("404");
    }

    @Test
    void theSecretariatReviewsHoldsAndReleasesOverSftp() throws Exception {
        String id = file("sylvania-system", "/submit/nil-annual-report/states-parties/syl-nil-2025.pdf", "SYL nil report 2025");
        try (ClientSession s = exchange.login("secretariat"); SftpClient sftp = exchange.sftp(s)) {
            List<String> pending = new ArrayList<>();
            sftp.readDir("/pending").forEach(e -> pending.add(e.getFilename()));
            assertThat(pending).contains(id + ".json");
            try (InputStream in = sftp.read("/pending/" + id + ".json")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"recipients\" : [ \"ARC\", \"BOR\" ]");
            }
            try (OutputStream out = sftp.write("/hold/" + id + ".txt")) {
                out.write("awaiting the State's confirmation".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(exchange.admin("show", id)).contains("awaiting the State's confirmation");
            assertThat(names("arcadia-officer", "/distributed")).noneMatch(n -> n.contains(id));
            try (OutputStream out = sftp.write("/release/" + id)) {
                out.write(new byte[0]);
            }
            // an id that is not waiting cannot be acted on
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                try (OutputStream out = sftp.write("/release/" + id)) {
                    out.write(new byte[0]);
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(names("arcadia-officer", "/distributed")).contains(id + "--syl-nil-2025.pdf");
        assertThat(names("borealia-officer", "/distributed")).contains(id + "--syl-nil-2025.pdf");
        assertThat(names("calvera-officer", "/distributed")).noneMatch(n -> n.contains(id));
    }
}
