package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;

/**
 * The secretariat's console over HTTPS (items 5 to 8 of issue 17): the dashboard and the public reporting table
 * show the same outcomes, the CSV the same rows; an officer reads the registry but every change is refused by
 * the application layer and changes nothing; an administrator's bad key is refused with the reason and changes
 * nothing; an administrator adds a certificate that then works on the signed-message channel and revokes it,
 * after which the next HTTPS request with it is refused; the audit page shows the chain intact and its export
 * verifies offline; a State's session opens none of the console's pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretariatConsoleTest {

    static final ConsoleFixture.WithAdministrator registry = new ConsoleFixture.WithAdministrator();
    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass(registry);

    @TempDir
    static Path dir;
    static StatePortal portal;
    static final int THIS_YEAR = LocalDate.now(ZoneOffset.UTC).getYear();
    static final int LAST_YEAR = THIS_YEAR - 1;

    @BeforeAll
    static void portal() throws Exception {
        portal = StatePortal.of(exchange);
    }

    static Path registryFile() {
        return registry.file;
    }

    @Test
    @Order(1)
    void theDashboardAndThePublicTableShowTheSameOutcomesAndTheCsvTheSameRows() throws Exception {
        StatePortal.Session arc = portal.signIn("arcadia-officer");
        StatePortal.Session bor = portal.signIn("borealia-officer");
        ConsoleFixture.file(portal, arc, "annual-report", Integer.toString(LAST_YEAR), "public", "arc-annual-last.pdf"); // after 31 May: late
        // the national report has no yearly deadline here: due by the end of the next year, so on time
        ConsoleFixture.file(portal, bor, "national-report", Integer.toString(LAST_YEAR), "states-parties", "bor-national-last.pdf");
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);

        for (int year : new int[] {LAST_YEAR, THIS_YEAR}) {
            HttpResponse<String> dashboard = portal.get(sec, "/secretariat/dashboard?type=annual-report&year=" + year);
            assertThat(dashboard.statusCode()).isEqualTo(200);
            Map<String, String> console = ConsoleFixture.rows(dashboard.body(), "dashboard", "data-state", "data-outcome");
            HttpResponse<String> table = portal.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(portal.url("/reporting?year=" + year)))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ConsoleFixture.publicOutcomes(table.body())).as("the public table of " + year).isEqualTo(console);
            if (year == LAST_YEAR) {
                assertThat(console).containsEntry("ARC", "late").containsEntry("BOR", "missing").containsEntry("SYL", "missing")
                        .doesNotContainKey("CAL"); // a signatory is not a State Party
            } else {
                assertThat(console).isNotEmpty().allSatisfy((state, outcome) -> assertThat(outcome).isEqualTo("not-yet-due"));
            }
            // the counts and the chart's bars say the same
            long late = console.values().stream().filter("late"::equals).count();
            assertThat(dashboard.body()).contains("<li data-outcome=\"late\"><span class=\"count\">" + late + "</span>");
            assertThat(dashboard.body()).contains("<svg id=\"chart\"", "class=\"bar bar-on-time\"").doesNotContain("<script>"); // no inline script

            HttpResponse<String> csv = portal.get(sec, "/secretariat/dashboard.csv?type=annual-report&year=" + year);
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
            List<String> lines = csv.body().lines().toList();
            assertThat(lines.get(0)).isEqualTo("state,name,outcome,filedAt,nil,public");
            Map<String, String> fromCsv = new java.util.LinkedHashMap<>();
            lines.stream().skip(1).forEach(l -> fromCsv.put(l.split(",")[0], l.split(",")[2]));
            assertThat(fromCsv).isEqualTo(console);
        }
        // another report type: its own filings only
        HttpResponse<String> national = portal.get(sec, "/secretariat/dashboard?type=national-report&year=" + LAST_YEAR);
        assertThat(ConsoleFixture.rows(national.body(), "dashboard", "data-state", "data-outcome")).containsEntry("BOR", "on-time")
                .containsEntry("ARC", "not-yet-due").containsEntry("SYL", "not-yet-due");
        assertThat(national.body()).contains("<li data-outcome=\"on-time\"><span class=\"count\">1</span>");
        // a report type that does not exist is refused, with the form again
        assertThat(portal.get(sec, "/secretariat/dashboard?type=no-such-type&year=" + LAST_YEAR).statusCode()).isEqualTo(400);
        assertThat(portal.get(sec, "/secretariat/dashboard.csv?type=annual-report&year=20x5").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(2)
    void anOfficerReadsTheRegistryButEveryChangeIsRefusedAndChangesNothing() throws Exception {
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);
        HttpResponse<String> page = portal.get(sec, "/secretariat/registry");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"registry-states\"", "data-state=\"CAL\" data-status=\"signatory\"", "id=\"registry-certificates\"",
                "id=\"registry-instructions\"", "Dr. Helena Marsh");
        assertThat(page.body()).doesNotContain("add-keys-form", "revoke-form"); // not offered
        String fingerprint = ConsoleFixture.rows(page.body(), "registry-certificates", "data-fingerprint", "data-account").entrySet().stream()
                .filter(e -> e.getValue().equals("borealia-system")).map(Map.Entry::getKey).findFirst().orElseThrow();

        byte[] before = Files.readAllBytes(registryFile());
        long audit = portal.auditHead();
        Path[] client = ConsoleFixture.opensslClient(dir, "officer-try", 100);
        // posted by hand, as a forged page would: refused by the application layer
        for (String[] form : List.of(
                new String[] {"/secretariat/registry/revoke-certificate", "account=borealia-system&fingerprint=" + fingerprint},
                new String[] {"/secretariat/registry/keys", "account=borealia-system&certificate="
                        + java.net.URLEncoder.encode(Files.readString(client[1]), StandardCharsets.UTF_8)},
                new String[] {"/secretariat/registry/remove-key", "account=borealia-system&fingerprint=SHA256:abc"})) {
            HttpResponse<String> r = portal.postForm(sec, form[0], form[1] + "&csrf=" + sec.csrf());
            assertThat(r.statusCode()).as(form[0]).isEqualTo(403);
            assertThat(r.body()).contains("Only a secretariat administrator may change the registry");
        }
        assertThat(Files.readAllBytes(registryFile())).isEqualTo(before);
        assertThat(portal.auditSince(audit)).contains("admin.revoke-certificate:refused", "admin.register-keys:refused",
                "admin.remove-ssh-key:refused");
        assertThat(ConsoleFixture.apiStatus(exchange, dir, new Path[] {exchange.home().resolve("demo/borealia-system-api.key.pem"),
                exchange.home().resolve("demo/borealia-system-api.cert.pem")})).isEqualTo("200"); // still in force
    }

    @Test
    @Order(3)
    void anAdministratorsBadKeyIsRefusedWithTheReasonAndChangesNothing() throws Exception {
        StatePortal.Session admin = portal.signIn(ConsoleFixture.ADMIN);
        assertThat(portal.get(admin, "/secretariat/registry").body()).contains("add-keys-form", "revoke-form");
        byte[] before = Files.readAllBytes(registryFile());
        HttpResponse<String> r = portal.postForm(admin, "/secretariat/registry/keys",
                "account=borealia-system&sshKey=" + java.net.URLEncoder.encode("ssh-ed25519 AAAAnotakeyatall borealia", StandardCharsets.UTF_8)
                        + "&csrf=" + admin.csrf());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("There is a problem", "not registered").doesNotContain(registryFile().toString());
        // a demo key already registered to another account: the registry's own rule, with its reason
        String taken = Files.readString(exchange.home().resolve("demo/arcadia-system.pub")).strip();
        HttpResponse<String> twice = portal.postForm(admin, "/secretariat/registry/keys",
                "account=borealia-system&sshKey=" + java.net.URLEncoder.encode(taken, StandardCharsets.UTF_8) + "&csrf=" + admin.csrf());
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("is already registered to account");
        assertThat(Files.readAllBytes(registryFile())).isEqualTo(before);
    }

    @Test
    @Order(4)
    void anAdministratorAddsACertificateThatWorksThenRevokesItAndTheNextHttpsRequestIsRefused() throws Exception {
        StatePortal.Session admin = portal.signIn(ConsoleFixture.ADMIN);
        Path[] client = ConsoleFixture.opensslClient(dir, "borealia-console", 20); // expires within 30 days: warned
        String fingerprint = ConsoleFixture.fingerprint(dir, client[1]);
        assertThat(ConsoleFixture.apiStatus(exchange, dir, client)).isEqualTo("403"); // not registered yet

        HttpResponse<String> added = portal.postForm(admin, "/secretariat/registry/keys", "account=borealia-system&certificate="
                + java.net.URLEncoder.encode(Files.readString(client[1]), StandardCharsets.UTF_8) + "&csrf=" + admin.csrf());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(303);
        assertThat(Files.readString(registryFile())).contains("registered by secretariat-admin in the portal on");
        assertThat(ConsoleFixture.apiStatus(exchange, dir, client)).isEqualTo("200");
        HttpResponse<String> page = portal.get(admin, "/secretariat/registry?done=added");
        assertThat(page.body()).contains("id=\"registry-done\"");
        assertThat(ConsoleFixture.rows(page.body(), "registry-certificates", "data-fingerprint", "data-expiring")).containsEntry(fingerprint, "true");

        HttpResponse<String> revoked = portal.postForm(admin, "/secretariat/registry/revoke-certificate",
                "account=borealia-system&fingerprint=" + fingerprint + "&csrf=" + admin.csrf());
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(ConsoleFixture.apiStatus(exchange, dir, client)).isEqualTo("403");
        page = portal.get(admin, "/secretariat/registry");
        assertThat(ConsoleFixture.rows(page.body(), "registry-revoked", "data-fingerprint", "data-account")).containsEntry(fingerprint, "borealia-system");
        assertThat(PortalLogin.auditLines(exchange, "admin.revoke-certificate", "secretariat-admin", fingerprint, "\"ok\"")).hasSize(1);
        // revoking it again is refused: nothing to revoke
        HttpResponse<String> again = portal.postForm(admin, "/secretariat/registry/revoke-certificate",
                "account=borealia-system&fingerprint=" + fingerprint + "&csrf=" + admin.csrf());
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("already revoked");
    }

    @Test
    @Order(5)
    void theAuditPageShowsTheChainIntactAndItsExportVerifiesOffline() throws Exception {
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);
        HttpResponse<String> page = portal.get(sec, "/secretariat/audit");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"chain-status\" data-intact=\"true\"");
        assertThat(ConsoleFixture.rows(page.body(), "audit-events", "data-seq", "data-type")).containsValue("admin.revoke-certificate");
        HttpResponse<String> filtered = portal.get(sec, "/secretariat/audit?type=admin.&account=secretariat-admin");
        assertThat(ConsoleFixture.rows(filtered.body(), "audit-events", "data-seq", "data-type").values())
                .isNotEmpty().allMatch(t -> t.startsWith("admin."));
        HttpResponse<String> byState = portal.get(sec, "/secretariat/audit?state=BOR");
        assertThat(ConsoleFixture.rows(byState.body(), "audit-events", "data-seq", "data-actor").values()).isNotEmpty()
                .allMatch(a -> a.startsWith("borealia") || a.equals("-") || a.startsWith("secretariat") || a.equals("server"));
        assertThat(portal.get(sec, "/secretariat/audit?from=2026-13-01").statusCode()).isEqualTo(400);

        HttpResponse<byte[]> export = portal.download(sec, "/secretariat/audit/export.zip");
        assertThat(export.statusCode()).isEqualTo(200);
        Path jsonl = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(export.body()))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path out = dir.resolve(e.getName());
                Files.write(out, zip.readAllBytes());
                if (e.getName().endsWith(".jsonl")) {
                    jsonl = out;
                }
            }
        }
        assertThat(jsonl).isNotNull();
        assertThat(dir.resolve(jsonl.getFileName() + ".p7s")).exists();
        String verified = exchange.admin("verify-audit", "--file", jsonl.toString());
        assertThat(verified).startsWith("0\n").contains("audit export VERIFIED");
    }

    @Test
    @Order(6)
    void aStatesSessionOpensNoneOfTheConsolesPages() throws Exception {
        StatePortal.Session arc = portal.signIn("arcadia-officer");
        for (String path : List.of("/secretariat", "/secretariat/", "/secretariat/dashboard", "/secretariat/dashboard.csv", "/secretariat/registry",
                "/secretariat/audit", "/secretariat/audit/export.zip", "/secretariat/messages")) {
            HttpResponse<String> r = portal.get(arc, path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("registry-states", "audit-events", "dashboard\"");
        }
        byte[] before = Files.readAllBytes(registryFile());
        for (String path : List.of("/secretariat/registry/keys", "/secretariat/registry/revoke-certificate", "/secretariat/registry/remove-key",
                "/secretariat/messages")) {
            assertThat(portal.postForm(arc, path, "account=arcadia-system&fingerprint=x&csrf=" + arc.csrf()).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(Files.readAllBytes(registryFile())).isEqualTo(before);
    }

    @Test
    @Order(7)
    void aMessageWithAnAttachmentReachesTheChosenStatesPortalSftpAndQueueOnly() throws Exception {
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);
        byte[] annex = ("Annex to the secretariat's note on the " + LAST_YEAR + " cycle\n").repeat(5000).getBytes(StandardCharsets.UTF_8);
        // a form without a recipient keeps nothing, not even the attachment it streamed
        List<Path> blobsBefore = portal.blobFiles();
        HttpResponse<String> refused = portal.postMultipart(sec, "/secretariat/messages", new StatePortal.Multipart().field("csrf", sec.csrf())
                .field("title", "No one").field("body", "Nobody chosen").file("attachment", "annex.pdf", annex));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("choose the States to write to");
        assertThat(portal.blobFiles()).isEqualTo(blobsBefore);

        HttpResponse<String> sent = portal.postMultipart(sec, "/secretariat/messages", new StatePortal.Multipart().field("csrf", sec.csrf())
                .field("to", "BOR").field("title", "Note on the reporting cycle").field("body", "Please find the annex.")
                .file("attachment", "annex.pdf", annex));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
        assertThat(sent.headers().firstValue("Location")).hasValue("/secretariat/messages?sent=1");

        StatePortal.Session bor = portal.signIn("borealia-officer");
        HttpResponse<String> received = portal.get(bor, "/state/received");
        assertThat(received.body()).contains("Note on the reporting cycle", "data-name=\"annex.pdf\"");
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("href=\"(/state/messages/[0-9]+/attachments/0)\"").matcher(received.body());
        assertThat(link.find()).isTrue();
        HttpResponse<byte[]> download = portal.download(bor, link.group(1));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(annex);
        // the other States did not get it, and cannot open Borealia's attachment
        StatePortal.Session arc = portal.signIn("arcadia-officer");
        assertThat(portal.get(arc, "/state/received").body()).doesNotContain("Note on the reporting cycle");
        assertThat(portal.get(arc, link.group(1)).statusCode()).isEqualTo(404);

        try (var session = exchange.login("borealia-officer"); var sftp = exchange.sftp(session)) {
            List<String> names = new java.util.ArrayList<>();
            sftp.readDir("/distributed").forEach(e -> names.add(e.getFilename()));
            String attachment = names.stream().filter(n -> n.endsWith("-secretariat-message--annex.pdf")).findFirst().orElseThrow();
            assertThat(names).contains(attachment.replace("--annex.pdf", ".p7s"));
            try (java.io.InputStream in = sftp.read("/distributed/" + attachment)) {
                assertThat(in.readAllBytes()).isEqualTo(annex);
            }
        }
        assertThat(PortalLogin.auditLines(exchange, "secretariat-message.sent", "\"secretariat\"", "annex.pdf", "BOR")).hasSize(1);

        // to all States Parties: every party gets it, the signatory does not
        HttpResponse<String> all = portal.postMultipart(sec, "/secretariat/messages", new StatePortal.Multipart().field("csrf", sec.csrf())
                .field("all", "yes").field("title", "To every State Party").field("body", "A circular."));
        assertThat(all.statusCode()).as(all.body()).isEqualTo(303);
        for (String person : List.of("arcadia-officer", "borealia-officer", "sylvania-officer")) {
            assertThat(portal.get(portal.signIn(person), "/state/received").body()).as(person).contains("To every State Party");
        }
        assertThat(portal.get(portal.signIn("calvera-officer"), "/state/received").body()).doesNotContain("To every State Party");
    }

    @Test
    @Order(8)
    void anAdministratorAddsAnSshKeyThatLogsInThenRemovesItAndItNoLongerDoes() throws Exception {
        StatePortal.Session admin = portal.signIn(ConsoleFixture.ADMIN);
        java.security.KeyPair key = org.treatyexchange.server.registry.TestKeys.ed25519();
        String line = org.treatyexchange.server.registry.TestKeys.line(key.getPublic(), "added-in-console");
        HttpResponse<String> added = portal.postForm(admin, "/secretariat/registry/keys",
                "account=sylvania-system&sshKey=" + java.net.URLEncoder.encode(line, StandardCharsets.UTF_8) + "&csrf=" + admin.csrf());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(303);
        try (var session = exchange.login("sylvania-system", key); var sftp = exchange.sftp(session)) {
            assertThat(sftp.readDir("/")).isNotNull();
        }
        String fingerprint = ConsoleFixture.attribute(portal.get(admin, "/secretariat/registry").body()
                .lines().filter(l -> l.contains("added-in-console")).findFirst().orElseThrow(), "data-key");
        assertThat(fingerprint).startsWith("SHA256:");
        HttpResponse<String> removed = portal.postForm(admin, "/secretariat/registry/remove-key",
                "account=sylvania-system&fingerprint=" + java.net.URLEncoder.encode(fingerprint, StandardCharsets.UTF_8) + "&csrf=" + admin.csrf());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(303);
        assertThat(Files.readString(registryFile())).doesNotContain(line);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> exchange.login("sylvania-system", key).close()))
                .as("the removed key no longer logs in").isNotNull();
        // the demo key is not in the file's list: refused with the reason, nothing changed
        String page = portal.get(admin, "/secretariat/registry").body();
        int row = page.indexOf("<tr data-account=\"sylvania-system\"");
        String demo = ConsoleFixture.attribute(page.substring(row, page.indexOf("</tr>", row)).replaceFirst("(?s).*?<li ", "<li "), "data-key");
        assertThat(demo).startsWith("SHA256:");
        byte[] before = Files.readAllBytes(registryFile());
        HttpResponse<String> refused = portal.postForm(admin, "/secretariat/registry/remove-key",
                "account=sylvania-system&fingerprint=" + java.net.URLEncoder.encode(demo, StandardCharsets.UTF_8) + "&csrf=" + admin.csrf());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("edit the registry file by hand");
        assertThat(Files.readAllBytes(registryFile())).isEqualTo(before);
    }

    @Test
    @Order(9)
    void theConsoleShowsAndSearchesTheTitleTheStateChoseButThePublicPagesNever() throws Exception {
        StatePortal.Session syl = portal.signIn("sylvania-officer");
        // ConsoleFixture files under the title "Title of <name>"
        String id = ConsoleFixture.file(portal, syl, "annual-report", Integer.toString(LAST_YEAR), "states-parties", "syl-zx-9.pdf");
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);

        // title words, in any case, find it; words that are in neither its title nor its name do not
        for (String words : List.of("TITLE+of", "syl-ZX-9", "title+syl-zx-9.pdf")) {
            HttpResponse<String> found = portal.get(sec, "/secretariat/filings?state=SYL&words=" + words);
            assertThat(ConsoleFixture.rows(found.body(), "found", "data-filing", "data-status")).as(words).containsKey(id);
        }
        assertThat(portal.get(sec, "/secretariat/filings?state=SYL&words=title+of+nothing").body()).doesNotContain(id);

        assertThat(portal.get(sec, "/secretariat/filings/" + id).body()).contains("<h1 class=\"filing-title\">Title of syl-zx-9.pdf</h1>",
                "syl-zx-9.pdf");
        assertThat(portal.get(sec, "/secretariat/queue").body()).contains(">Title of syl-zx-9.pdf</a>");

        // restricted to States Parties: never on the public pages, released or not
        assertThat(exchange.admin("release", id)).startsWith("0\n");
        for (String path : List.of("/", "/reports", "/reporting?year=" + LAST_YEAR, "/states/SYL")) {
            HttpResponse<String> page = portal.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(portal.url(path))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).as(path).doesNotContain("Title of syl-zx-9.pdf");
        }
    }

    @Test
    @Order(10)
    void aCycleExportAskedWhileAnotherIsBeingBuiltIsTurnedAwayUnauditedAndTheNextOneWorks() throws Exception {
        StatePortal.Session sec = portal.signIn(ConsoleFixture.OFFICER);
        String path = FilingPages.EXPORT + "?reportType=annual-report&period=" + LAST_YEAR;
        int audited = PortalLogin.auditLines(exchange, "cycle.exported").size();
        CycleZip.BUILDING.acquire(); // another export in progress
        try {
            HttpResponse<byte[]> busy = portal.download(sec, path);
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(new String(busy.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("Try again later.");
        } finally {
            CycleZip.BUILDING.release();
        }
        assertThat(PortalLogin.auditLines(exchange, "cycle.exported")).hasSize(audited);

        HttpResponse<byte[]> zip = portal.download(sec, path);
        assertThat(zip.statusCode()).isEqualTo(200);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            assertThat(in.getNextEntry().getName()).isEqualTo("index.json");
        }
        assertThat(PortalLogin.auditLines(exchange, "cycle.exported")).hasSize(audited + 1);
    }
}
