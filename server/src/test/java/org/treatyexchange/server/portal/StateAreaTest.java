package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * The States' area over HTTPS against a real exchange (pages, the streamed filing form, downloads), each
 * person logged in with password and TOTP ({@link PortalLogin}). A document larger than the aggregator's
 * limit is filed through the streamed form and comes back byte for byte; its receipt verifies with
 * {@code openssl cms -verify}; every refused form leaves every table and the blob store as they were; a
 * State never sees another State's filings; a new version supersedes, a withdrawal needs a reason and
 * the session's token.
 */
class StateAreaTest {

    static final long MAX_FILE = 1024 * 1024;

    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass(c -> c.withLimits(new ServerConfig.Limits(MAX_FILE, 64 * MAX_FILE,
            c.limits().maxOpenHandles(), c.limits().maxSessionsPerAccount(), c.limits().maxFileNameLength())));

    @TempDir
    static Path dir;
    static StatePortal portal;
    static StatePortal.Session syl;
    static StatePortal.Session arc;
    static StatePortal.Session bor;
    static final int LAST_YEAR = LocalDate.now(ZoneOffset.UTC).getYear() - 1;

    @BeforeAll
    static void start() throws Exception {
        portal = StatePortal.of(exchange);
        arc = portal.signIn("arcadia-officer");
        bor = portal.signIn("borealia-officer");
        syl = portal.signIn("sylvania-officer");
    }

    static StatePortal.Multipart form(StatePortal.Session s, String type, String level, String title) {
        return new StatePortal.Multipart().field("csrf", s.csrf()).field("reportType", type).field("period", Integer.toString(LAST_YEAR))
                .field("level", level).field("title", title);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<String> filingIds(String page) {
        Matcher m = Pattern.compile("class=\"filing-id\">([0-9A-Za-z-]+)<").matcher(page);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static String fileOne(StatePortal.Session s, String name, String level, byte[] content) throws Exception {
        HttpResponse<String> r = portal.postMultipart(s, "/state/file", form(s, "annual-report", level, "Title of " + name)
                .file("document", name, content));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return filingIds(r.body()).get(0);
    }

    @Test
    void aDocumentLargerThanTheAggregatorsLimitStreamsIntoFilingsWithTheirReceipts() throws Exception {
        byte[] big = randomBytes(700 * 1024, 1); // ten times the aggregator's 64 KiB
        byte[] small = "a short annex".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = portal.postMultipart(arc, "/state/file", form(arc, "annual-report", "states-parties", "Annual report")
                .file("document", "arc-big-annual.pdf", big).file("document", "arc-annex.txt", small));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("Report received", "arc-big-annual.pdf", "arc-annex.txt",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)));
        List<String> ids = filingIds(r.body());
        assertThat(ids).hasSize(2);
        String listed = exchange.admin("filings", "--state", "ARC");
        assertThat(listed).contains(ids.get(0), ids.get(1));

        HttpResponse<byte[]> doc = portal.download(arc, "/state/filings/" + ids.get(0) + "/document");
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.body()).isEqualTo(big);
        assertThat(doc.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"arc-big-annual.pdf\"");
        assertThat(doc.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    }

    @Test
    void theReceiptIsAnAttachmentThatOpensslVerifiesWithTheLineThePageShows() throws Exception {
        String id = fileOne(arc, "arc-receipt-check.pdf", "secretariat", "receipt check".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> page = portal.get(arc, "/state/filings/" + id);
        String line = "openssl cms -verify -inform DER -in " + id + ".p7s -CAfile receipt-cert.pem";
        assertThat(page.body()).contains(line, "arc-receipt-check.pdf", "/state/filings/" + id + "/receipt.p7s");

        HttpResponse<byte[]> receipt = portal.download(arc, "/state/filings/" + id + "/receipt.p7s");
        assertThat(receipt.statusCode()).isEqualTo(200);
        assertThat(receipt.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"" + id + ".p7s\"");
        HttpResponse<byte[]> cert = portal.download(arc, "/state/receipt-certificate.pem");
        assertThat(cert.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
        Path work = Files.createDirectories(dir.resolve("verify-" + id));
        Files.write(work.resolve(id + ".p7s"), receipt.body());
        Files.write(work.resolve("receipt-cert.pem"), cert.body());
        Processes.Result r = Processes.run(work, List.of(line.split(" ")));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains(id, "arc-receipt-check.pdf", "Verification successful");
    }

    @Test
    void everyRefusedFormKeepsNothingInAnyTableOrTheBlobStore() throws Exception {
        byte[] doc = "refused".getBytes(StandardCharsets.UTF_8);
        Map<String, StatePortal.Multipart> cases = new java.util.LinkedHashMap<>();
        cases.put("a wrong CSRF token", new StatePortal.Multipart().field("csrf", "forged").field("reportType", "annual-report")
                .field("level", "public").field("title", "t").file("document", "x.pdf", doc));
        cases.put("the CSRF token not first", new StatePortal.Multipart().field("reportType", "annual-report").field("csrf", arc.csrf())
                .field("level", "public").field("title", "t").file("document", "x.pdf", doc));
        cases.put("a title with a text-direction override", form(arc, "annual-report", "public", "Report \u202efdp.exe")
                .file("document", "x.pdf", doc));
        cases.put("a title of 301 characters", form(arc, "annual-report", "public", "t".repeat(301)).file("document", "x.pdf", doc));
        cases.put("an unknown report type", form(arc, "no-such-type", "public", "t").file("document", "x.pdf", doc));
        cases.put("an unknown level", form(arc, "annual-report", "everyone", "t").file("document", "x.pdf", doc));
        cases.put("named with no State", form(arc, "annual-report", "named", "t").file("document", "x.pdf", doc));
        cases.put("named with itself", form(arc, "annual-report", "named", "t").field("named", "ARC").file("document", "x.pdf", doc));
        cases.put("a bad period", new StatePortal.Multipart().field("csrf", arc.csrf()).field("reportType", "annual-report")
                .field("period", "19x/..").field("level", "public").field("title", "t").file("document", "x.pdf", doc));
        cases.put("no document", form(arc, "annual-report", "public", "t").file("document", "", new byte[0]));
        cases.put("a document over the size limit, after a good one", form(arc, "annual-report", "public", "t")
                .file("document", "fine.pdf", doc).file("document", "huge.pdf", randomBytes((int) MAX_FILE + 1, 2)));
        cases.put("a bad document name", form(arc, "annual-report", "public", "t").file("document", "..", doc));
        StatePortal.Multipart tooMany = form(arc, "annual-report", "public", "t");
        int maxDocuments = org.treatyexchange.server.config.ServerConfigLoader.load(TestExchange.REPO.resolve("config/server.yaml")).api()
                .maxDocuments(); // the signed-message channel's limit, the same for the form
        for (int i = 0; i <= maxDocuments; i++) {
            tooMany.file("document", i + ".pdf", doc);
        }
        cases.put("more documents than allowed", tooMany);
        Map<String, Integer> expectedStatus = Map.ofEntries(Map.entry("a wrong CSRF token", 403), Map.entry("the CSRF token not first", 403),
                Map.entry("a document over the size limit, after a good one", 413), Map.entry("more documents than allowed", 413));

        for (var c : cases.entrySet()) {
            Map<String, Long> rowsBefore = portal.rowsByTable();
            assertThat(rowsBefore).as("every table is counted").containsKeys("\"APP\".\"FILING\"", "\"APP\".\"RECEIPT\"",
                    "\"APP\".\"DOCUMENT_KEY\"");
            List<Path> blobsBefore = portal.blobFiles();
            long auditBefore = portal.auditHead();
            HttpResponse<String> r = portal.postMultipart(arc, "/state/file", c.getValue());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(expectedStatus.getOrDefault(c.getKey(), 400));
            assertThat(r.body()).as(c.getKey()).contains("There is a problem");
            Map<String, Long> rowsAfter = portal.rowsByTable();
            Map<String, Long> changed = new java.util.TreeMap<>();
            rowsAfter.forEach((t, n) -> {
                if (!n.equals(rowsBefore.get(t))) {
                    changed.put(t, n - rowsBefore.getOrDefault(t, 0L));
                }
            });
            changed.keySet().removeIf(t -> t.endsWith(".\"AUDIT_EVENT\""));
            assertThat(changed).as(c.getKey() + ": tables that changed").isEmpty();
            assertThat(portal.blobFiles()).as(c.getKey() + ": the blob store").isEqualTo(blobsBefore);
            // the only trace a refusal leaves is its audit event
            assertThat(portal.auditSince(auditBefore)).as(c.getKey()).allMatch(e -> e.endsWith(":refused"));
        }
    }

    @Test
    void aBodyAboveTheLargestFormIsRefusedBeforeItIsRead() throws Exception {
        List<Path> blobsBefore = portal.blobFiles();
        javax.net.ssl.SSLContext ctx = PublicSiteTest.trusting(portal.caPem);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", portal.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /state/file HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + SessionCookie.SESSION + "=" + arc.cookie()
                    + "\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 99999999999\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
        assertThat(portal.blobFiles()).isEqualTo(blobsBefore);
    }

    @Test
    void anUploadCutOffMidwayKeepsNothing() throws Exception {
        Map<String, Long> rowsBefore = portal.rowsByTable();
        List<Path> blobsBefore = portal.blobFiles();
        long auditHead = portal.auditHead();
        StatePortal.Multipart form = form(arc, "annual-report", "public", "cut off").file("document", "cut.pdf",
                randomBytes(600 * 1024, 4));
        byte[] body = form.bytes();
        javax.net.ssl.SSLContext ctx = PublicSiteTest.trusting(portal.caPem);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", portal.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /state/file HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + SessionCookie.SESSION + "=" + arc.cookie()
                    + "\r\nContent-Type: multipart/form-data; boundary=" + form.boundary + "\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2); // half the document, then the browser goes away
            out.flush();
        }
        // the document had begun (its intake audits its discarding); then nothing of it is left
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> portal.auditSince(auditHead).contains("filing.refused:refused"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> portal.blobFiles().equals(blobsBefore));
        Map<String, Long> rowsAfter = portal.rowsByTable();
        rowsAfter.keySet().removeIf(t -> t.endsWith(".\"AUDIT_EVENT\""));
        rowsBefore.keySet().removeIf(t -> t.endsWith(".\"AUDIT_EVENT\""));
        assertThat(rowsAfter).isEqualTo(rowsBefore);
    }

    @Test
    void withoutASessionTheAreaSendsToLoginAndAnUploadKeepsNothing() throws Exception {
        StatePortal.Session nobody = new StatePortal.Session("unknown", "none");
        HttpResponse<String> page = portal.get(nobody, "/state/filings");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location").orElseThrow()).startsWith("/login");
        Map<String, Long> before = portal.rowsByTable();
        HttpResponse<String> r = portal.postMultipart(nobody, "/state/file", form(nobody, "annual-report", "public", "t")
                .file("document", "x.pdf", randomBytes(200 * 1024, 3)));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(portal.rowsByTable()).isEqualTo(before);
    }

    @Test
    void aStateNeverSeesAnotherStatesFilings() throws Exception {
        String id = fileOne(arc, "arc-own-only.pdf", "states-parties", "ARC only for now".getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("/state/filings/" + id, "/state/filings/" + id + "/receipt.p7s", "/state/filings/" + id + "/document",
                "/state/received/" + id + "/document", "/state/filings/" + id + "/new-version")) {
            assertThat(portal.get(bor, path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(portal.get(bor, "/state/filings").body()).doesNotContain(id, "arc-own-only.pdf");
        assertThat(portal.get(bor, "/state/").body()).doesNotContain(id, "arc-own-only.pdf");
        assertThat(portal.get(bor, "/state/received").body()).doesNotContain("arc-own-only.pdf");
        HttpResponse<String> withdraw = portal.postForm(bor, "/state/filings/" + id + "/withdraw", "csrf=" + bor.csrf() + "&reason=mine");
        assertThat(withdraw.statusCode()).isEqualTo(404);
        assertThat(portal.get(arc, "/state/filings/" + id).body()).contains("data-status=\"pending\"");

        // released by the secretariat: now it reaches Borealia, and only as a received document
        assertThat(exchange.admin("release", id)).startsWith("0\n");
        assertThat(portal.get(bor, "/state/received").body()).contains("arc-own-only.pdf");
        HttpResponse<byte[]> got = portal.download(bor, "/state/received/" + id + "/document");
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("ARC only for now");
        assertThat(portal.get(bor, "/state/filings/" + id + "/receipt.p7s").statusCode()).isEqualTo(404);
    }

    @Test
    void aTitleIsOptionalAndAFilingIsShownUnderItsTitleElseItsName() throws Exception {
        String titled = fileOne(arc, "arc-titled.pdf", "secretariat", "titled".getBytes(StandardCharsets.UTF_8));
        assertThat(portal.get(arc, "/state/filings/" + titled).body()).contains("<h1 class=\"filing-title\">Title of arc-titled.pdf</h1>",
                "<dd class=\"filing-title\">Title of arc-titled.pdf</dd>");
        assertThat(portal.get(arc, "/state/filings").body()).contains(">Title of arc-titled.pdf</a>");

        HttpResponse<String> r = portal.postMultipart(arc, "/state/file", form(arc, "annual-report", "secretariat", "")
                .file("document", "arc-untitled.pdf", "untitled".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String untitled = filingIds(r.body()).get(0);
        assertThat(portal.get(arc, "/state/filings/" + untitled).body()).contains("<h1 class=\"filing-title\">arc-untitled.pdf</h1>");
        assertThat(exchange.admin("show", untitled)).contains("\"title\" : \"arc-untitled.pdf\"");

        // a new version without a title keeps the title of the version it replaces
        HttpResponse<String> v2 = portal.postMultipart(arc, "/state/filings/" + titled + "/new-version", new StatePortal.Multipart()
                .field("csrf", arc.csrf()).field("period", Integer.toString(LAST_YEAR)).field("title", "")
                .file("document", "anything.pdf", "titled v2".getBytes(StandardCharsets.UTF_8)));
        assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
        assertThat(exchange.admin("show", filingIds(v2.body()).get(0))).contains("\"title\" : \"Title of arc-titled.pdf\"");
    }

    @Test
    void aNewVersionSupersedesAndAWithdrawalNeedsTheTokenAndAReason() throws Exception {
        String first = fileOne(arc, "arc-versioned.pdf", "secretariat", "v1".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> v2 = portal.postMultipart(arc, "/state/filings/" + first + "/new-version", new StatePortal.Multipart()
                .field("csrf", arc.csrf()).field("period", Integer.toString(LAST_YEAR)).field("title", "Corrected")
                .file("document", "whatever-the-file-is-called.pdf", "v2".getBytes(StandardCharsets.UTF_8)));
        assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
        String second = filingIds(v2.body()).get(0);
        assertThat(v2.body()).contains("arc-versioned.pdf", "/state/filings/" + first);
        assertThat(portal.get(arc, "/state/filings/" + first).body()).contains("data-status=\"superseded\"");
        assertThat(portal.get(arc, "/state/filings/" + second).body()).contains("<h1 class=\"filing-title\">Corrected</h1>");
        assertThat(portal.get(arc, "/state/filings").body()).contains("data-filing=\"" + second + "\" data-status=\"pending\"");

        HttpResponse<String> forged = portal.postForm(arc, "/state/filings/" + second + "/withdraw", "csrf=forged&reason=oops");
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> missing = portal.postForm(arc, "/state/filings/" + second + "/withdraw", "reason=oops");
        assertThat(missing.statusCode()).isEqualTo(403);
        HttpResponse<String> noReason = portal.postForm(arc, "/state/filings/" + second + "/withdraw", "csrf=" + arc.csrf() + "&reason=+");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("Say why you are withdrawing");
        assertThat(portal.get(arc, "/state/filings/" + second).body()).contains("data-status=\"pending\"");

        HttpResponse<String> done = portal.postForm(arc, "/state/filings/" + second + "/withdraw", "csrf=" + arc.csrf()
                + "&reason=filed+in+error");
        assertThat(done.statusCode()).isEqualTo(303);
        String page = portal.get(arc, "/state/filings/" + second).body();
        assertThat(page).contains("data-status=\"withdrawn\"", "filed in error").doesNotContain("withdraw-form");
        assertThat(exchange.admin("show", second)).contains("withdrawn");
    }

    @Test
    void theOverviewShowsTheAnnualCyclesAndTheLatestFilings() throws Exception {
        HttpResponse<String> before = portal.get(syl, "/state/");
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.body()).contains("data-period=\"" + LAST_YEAR + "\" data-outcome=\"missing\"",
                "data-period=\"" + (LAST_YEAR - 4) + "\"");
        String id = fileOne(syl, "syl-annual.pdf", "states-parties", "SYL annual".getBytes(StandardCharsets.UTF_8));
        String after = portal.get(syl, "/state/").body();
        assertThat(after).doesNotContain("data-period=\"" + LAST_YEAR + "\" data-outcome=\"missing\"").contains(id);
    }

    @Test
    void contactsAreForStatesPartiesAndInstructionsChangeThroughTheForm() throws Exception {
        String contacts = portal.get(arc, "/state/contacts").body();
        assertThat(contacts).contains("id=\"contacts\"", "Kingdom of Borealia");
        HttpResponse<byte[]> list = portal.download(arc, "/state/contacts.txt");
        assertThat(list.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
        StatePortal.Session cal = portal.signIn("calvera-officer");
        assertThat(portal.get(cal, "/state/contacts").body()).contains("id=\"contacts-refused\"").doesNotContain("Kingdom of Borealia");
        assertThat(portal.get(cal, "/state/contacts.txt").statusCode()).isEqualTo(404);

        HttpResponse<String> set = portal.postForm(arc, "/state/instructions", "csrf=" + arc.csrf() + "&reportType=nil-annual-report&level=public");
        assertThat(set.statusCode()).isEqualTo(303);
        assertThat(portal.get(arc, "/state/instructions").body()).contains("data-type=\"nil-annual-report\" data-level=\"public\"");
        assertThat(exchange.admin("instructions", "--state", "ARC")).contains("nil-annual-report");
        HttpResponse<String> bad = portal.postForm(arc, "/state/instructions", "csrf=" + arc.csrf() + "&reportType=annual-report&level=named");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("There is a problem");
    }

    @Test
    void everyStatePageLabelsItsFieldsAndHasNoInlineScript() throws Exception {
        for (String path : List.of("/state/", "/state/file", "/state/filings", "/state/received", "/state/contacts", "/state/instructions")) {
            HttpResponse<String> r = portal.get(arc, path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValue(SecurityHeaders.CSP);
            assertThat(r.body()).as(path).doesNotContain("<script>", "style=", "onclick=");
            Matcher inputs = Pattern.compile("<(?:input|select|textarea) [^>]*id=\"([^\"]+)\"").matcher(r.body());
            while (inputs.find()) {
                if (!r.body().substring(inputs.start(), inputs.end()).contains("type=\"hidden\"")) {
                    assertThat(r.body()).as(path + " #" + inputs.group(1)).contains("for=\"" + inputs.group(1) + "\"");
                }
            }
        }
        String form = portal.get(arc, "/state/file").body();
        assertThat(form.indexOf("name=\"csrf\"")).as("the token is the form's first field").isLessThan(form.indexOf("name=\"reportType\""));
        assertThat(form.indexOf("type=\"file\"")).as("the documents come last").isGreaterThan(form.indexOf("name=\"title\""));
    }
}
