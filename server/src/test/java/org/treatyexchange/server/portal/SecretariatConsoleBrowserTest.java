package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * The secretariat's console in a real browser (Debian's chromium, headless), with four-eyes on for public filings: the
 * secretariat sees a new filing in the queue with its plan and releases it, and Borealia's person then sees it; a hold
 * needs a reason, and the filing State sees it; a superseded version needs its confirmation; a public filing needs a
 * second, different secretariat person; search, downloads (audited with the person) and a cycle's zip; and a State's
 * session is refused every secretariat URL the console offers (found by following the console's own links and forms).
 * Screenshots of the queue, a filing and the search go to {@code target/portal-screenshots/}.
 */
class SecretariatConsoleBrowserTest {

    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass(c -> c.withRelease(new ServerConfig.Release(Set.of(ConfidentialityLevel.PUBLIC))));

    static final String LAST_YEAR = Integer.toString(LocalDate.now(ZoneOffset.UTC).getYear() - 1);

    static Browser secretariat;
    static Browser secretariatAdmin;
    static Browser arcadia;
    static Browser borealia;

    @BeforeAll
    static void logIn() throws Exception {
        secretariat = Browser.start();
        secretariatAdmin = Browser.start();
        arcadia = Browser.start();
        borealia = Browser.start();
        PortalLogin.loginInBrowser(secretariat, exchange, "secretariat");
        PortalLogin.loginInBrowser(secretariatAdmin, exchange, "secretariat-admin");
        PortalLogin.loginInBrowser(arcadia, exchange, "arcadia-officer");
        PortalLogin.loginInBrowser(borealia, exchange, "borealia-officer");
    }

    @AfterAll
    static void closeBrowsers() throws Exception {
        for (Browser b : new Browser[] {secretariat, secretariatAdmin, arcadia, borealia}) {
            if (b != null) {
                b.close();
            }
        }
    }

    /** A State's officer files {@code content} by SFTP at {@code level} with a manifest giving the period; the new filing's id. */
    static String file(String account, String level, String name, String content) throws Exception {
        String folder = "/submit/annual-report/" + level + "/";
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
            try (OutputStream m = sftp.write(folder + name + ".manifest.json")) {
                m.write(("{\"version\":1,\"reportType\":\"annual-report\",\"period\":\"" + LAST_YEAR + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            try (OutputStream out = sftp.write(folder + name)) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
        }
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    static WebElement article(Browser b, String id) {
        return b.driver.findElement(By.cssSelector("article.dossier[data-filing='" + id + "']"));
    }

    static void awaitPage(Browser b, String cssSelector) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !b.driver.findElements(By.cssSelector(cssSelector)).isEmpty());
    }

    @Test
    void theSecretariatSeesANewFilingWithItsPlanReleasesItAndBorealiaThenHasIt() throws Exception {
        String id = file("arcadia-officer", "states-parties", "arc-console-release.pdf", "Arcadia's annual report, for the States Parties");

        secretariat.driver.get(exchange.portalUrl("/secretariat/queue"));
        secretariat.screenshot("secretariat-queue");
        WebElement row = article(secretariat, id);
        assertThat(row.getAttribute("data-status")).isEqualTo("pending");
        assertThat(row.findElement(By.cssSelector(".state")).getText()).isEqualTo("ARC");
        assertThat(row.findElement(By.cssSelector(".level")).getAttribute("data-level")).isEqualTo("states-parties");
        assertThat(row.findElement(By.cssSelector(".level-source")).getAttribute("data-source")).isEqualTo("declared");
        assertThat(row.findElement(By.cssSelector(".recipients")).getAttribute("data-recipients")).isEqualTo("BOR,SYL");
        assertThat(row.findElement(By.cssSelector(".public-area")).getAttribute("data-public")).isEqualTo("false");
        assertThat(row.findElements(By.cssSelector(".versions li"))).hasSize(1);

        borealia.driver.get(exchange.portalUrl("/state/received"));
        assertThat(borealia.driver.getPageSource()).doesNotContain(id);

        row.findElement(By.cssSelector(".release-form button[type=submit]")).click();
        awaitPage(secretariat, "#done[data-done='released']");
        assertThat(secretariat.driver.findElement(By.id("status")).getAttribute("data-status")).isEqualTo("released");
        secretariat.driver.executeScript("window.scrollTo(0, 0)");
        secretariat.screenshot("secretariat-filing");
        // the history and the audit events name the person who released it
        assertThat(secretariat.driver.findElements(By.cssSelector("#history tr[data-step='released'][data-actor='secretariat']"))).hasSize(1);
        secretariat.driver.navigate().refresh();
        assertThat(secretariat.driver.findElements(By.cssSelector("#events tr[data-type='filing.released'][data-actor='secretariat']")))
                .hasSize(1);

        borealia.driver.get(exchange.portalUrl("/state/received"));
        assertThat(borealia.driver.findElements(By.cssSelector("#received tr[data-filing='" + id + "']"))).hasSize(1);
    }

    @Test
    void aHoldNeedsAReasonAndTheFilingStateSeesIt() throws Exception {
        String id = file("arcadia-officer", "states-parties", "arc-console-hold.pdf", "Arcadia's report without its annex");
        long auditBefore = PortalLogin.auditLines(exchange, "filing.held").size();

        secretariat.driver.get(exchange.portalUrl("/secretariat/queue"));
        article(secretariat, id).findElement(By.cssSelector(".hold-form button[type=submit]")).click(); // no reason
        awaitPage(secretariat, "#error-summary");
        assertThat(secretariat.driver.findElement(By.id("error-summary")).getText()).contains("a hold needs a reason");
        assertThat(article(secretariat, id).getAttribute("data-status")).isEqualTo("pending"); // nothing changed
        assertThat(PortalLogin.auditLines(exchange, "filing.held")).hasSize((int) auditBefore);

        article(secretariat, id).findElement(By.cssSelector(".hold-form textarea")).sendKeys("Annex B is missing; please send it");
        article(secretariat, id).findElement(By.cssSelector(".hold-form button[type=submit]")).click();
        awaitPage(secretariat, "#done[data-done='held']");

        arcadia.driver.get(exchange.portalUrl("/state/filings/" + id));
        assertThat(arcadia.driver.findElement(By.id("status")).getAttribute("data-status")).isEqualTo("held");
        assertThat(arcadia.driver.findElement(By.id("status")).getText()).contains("Annex B is missing; please send it");
    }

    @Test
    void aSupersededVersionNeedsTheConfirmationThatNamesTheNewerOne() throws Exception {
        String v1 = file("arcadia-officer", "states-parties", "arc-console-versions.pdf", "first version");
        String v2 = file("arcadia-officer", "states-parties", "arc-console-versions.pdf", "second version");

        secretariat.driver.get(exchange.portalUrl("/secretariat/queue"));
        WebElement old = article(secretariat, v1);
        assertThat(old.getAttribute("data-superseded")).isEqualTo("true");
        assertThat(old.findElement(By.cssSelector(".superseded")).getAttribute("data-superseded-by")).isEqualTo(v2);
        assertThat(old.findElements(By.cssSelector(".versions li"))).hasSize(2);
        old.findElement(By.cssSelector(".release-form button[type=submit]")).click(); // confirmation not ticked
        awaitPage(secretariat, "#error-summary");
        assertThat(secretariat.driver.findElement(By.id("error-summary")).getText()).contains("superseded by the newer version " + v2);
        assertThat(article(secretariat, v1).getAttribute("data-status")).isEqualTo("pending");

        article(secretariat, v1).findElement(By.id("confirm-" + v1)).click();
        article(secretariat, v1).findElement(By.cssSelector(".release-form button[type=submit]")).click();
        awaitPage(secretariat, "#done[data-done='released']");
        // releasing the older version did not release the newer one
        secretariat.driver.get(exchange.portalUrl("/secretariat/queue"));
        assertThat(article(secretariat, v2).getAttribute("data-status")).isEqualTo("pending");
    }

    @Test
    void aPublicReleaseNeedsASecondDifferentSecretariatPerson() throws Exception {
        String id = file("arcadia-officer", "public", "arc-console-public.pdf", "Arcadia's public annual report");

        secretariat.driver.get(exchange.portalUrl("/secretariat/filings/" + id));
        assertThat(secretariat.driver.findElement(By.cssSelector(".four-eyes")).getText()).contains("two people");
        secretariat.driver.findElement(By.cssSelector(".release-form button[type=submit]")).click();
        awaitPage(secretariat, "#done[data-done='approved']");
        assertThat(secretariat.driver.findElement(By.id("status")).getAttribute("data-status")).isEqualTo("pending");
        assertThat(publicReportIds()).doesNotContain(id);

        // the same person again: refused, still not distributed
        secretariat.driver.findElement(By.cssSelector(".release-form button[type=submit]")).click();
        awaitPage(secretariat, "#error-summary");
        assertThat(secretariat.driver.findElement(By.id("error-summary")).getText()).contains("a second, different secretariat person");
        assertThat(publicReportIds()).doesNotContain(id);

        secretariatAdmin.driver.get(exchange.portalUrl("/secretariat/filings/" + id));
        assertThat(secretariatAdmin.driver.findElement(By.cssSelector(".four-eyes")).getText()).contains("Approved by secretariat");
        secretariatAdmin.driver.findElement(By.cssSelector(".release-form button[type=submit]")).click();
        awaitPage(secretariatAdmin, "#done[data-done='released']");
        assertThat(secretariatAdmin.driver.findElements(By.cssSelector("#history tr[data-step='release-approved'][data-actor='secretariat']")))
                .hasSize(1);
        assertThat(secretariatAdmin.driver.findElements(By.cssSelector("#history tr[data-step='released'][data-actor='secretariat-admin']")))
                .hasSize(1);
        assertThat(publicReportIds()).contains(id);
    }

    static List<String> publicReportIds() {
        borealia.driver.get(exchange.portalUrl("/"));
        return borealia.driver.findElements(By.cssSelector("#reports tbody tr")).stream().map(e -> e.getAttribute("data-filing")).toList();
    }

    @Test
    void searchDownloadsAndTheCycleExportAreAuditedWithThePerson() throws Exception {
        String id = file("arcadia-officer", "secretariat", "arc-console-searchable-annex.pdf", "kept with the secretariat");

        secretariat.driver.get(exchange.portalUrl("/secretariat/filings?state=ARC&level=secretariat&words=SEARCHABLE+annex"));
        secretariat.screenshot("secretariat-filings");
        assertThat(secretariat.driver.findElements(By.cssSelector("#found tr[data-filing]"))).extracting(e -> e.getAttribute("data-filing"))
                .containsExactly(id);
        secretariat.driver.get(exchange.portalUrl("/secretariat/filings?state=ARC&words=no-such-words"));
        assertThat(secretariat.driver.findElements(By.id("found-none"))).hasSize(1);
        secretariat.driver.get(exchange.portalUrl("/secretariat/filings?level=everyone"));
        assertThat(secretariat.driver.findElement(By.id("error-summary")).getText()).contains("unknown level");

        secretariat.driver.get(exchange.portalUrl("/secretariat/filings/" + id));
        secretariat.driver.findElement(By.cssSelector("a.document-download")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> secretariat.downloaded().stream()
                .anyMatch(p -> p.getFileName().toString().equals("arc-console-searchable-annex.pdf")));
        assertThat(Files.readString(secretariat.downloads.resolve("arc-console-searchable-annex.pdf"))).isEqualTo("kept with the secretariat");
        assertThat(PortalLogin.auditLines(exchange, "document.read", "\"actor\":\"secretariat\"", id)).hasSize(1);

        secretariat.driver.get(exchange.portalUrl("/secretariat/filings"));
        secretariat.driver.findElement(By.id("export-period")).sendKeys(LAST_YEAR);
        secretariat.driver.findElement(By.cssSelector("#export-form button[type=submit]")).click();
        String zipName = "annual-report-" + LAST_YEAR + ".zip";
        await().atMost(Duration.ofSeconds(20)).until(() -> secretariat.downloaded().stream().anyMatch(p -> p.getFileName().toString().equals(zipName)));
        Set<String> entries = new TreeSet<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(secretariat.downloads.resolve(zipName)))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.add(e.getName());
            }
        }
        assertThat(entries).contains("index.json", "index.json.p7s", "ARC/" + id + "--arc-console-searchable-annex.pdf");
        assertThat(PortalLogin.auditLines(exchange, "cycle.exported", "\"actor\":\"secretariat\"")).isNotEmpty();
    }

    /**
     * Every console URL (found by following the links and forms of the console from its home, as the secretariat sees
     * them) answers a State's person as missing: GETs and POSTs (with the State's own valid anti-forgery token), and a
     * POST changes nothing.
     */
    @Test
    void aStatesSessionIsRefusedEverySecretariatUrl() throws Exception {
        String id = file("arcadia-officer", "states-parties", "arc-console-crawl.pdf", "for the crawl");
        Set<String> gets = new LinkedHashSet<>();
        Set<String> posts = new LinkedHashSet<>();
        Deque<String> toVisit = new ArrayDeque<>(List.of("/secretariat/", "/secretariat/filings/" + id));
        while (!toVisit.isEmpty() && gets.size() < 200) {
            String path = toVisit.poll();
            if (!gets.add(path)) {
                continue;
            }
            if (path.endsWith("/document") || path.endsWith(".p7s") || path.endsWith(".zip")) {
                continue; // downloads: tried below, not crawled
            }
            secretariat.driver.get(exchange.portalUrl(path));
            for (WebElement a : secretariat.driver.findElements(By.cssSelector("a[href]"))) {
                String p = URI.create(a.getAttribute("href")).getRawPath();
                String q = URI.create(a.getAttribute("href")).getRawQuery();
                if (p.startsWith("/secretariat")) {
                    toVisit.add(q == null || q.contains("lang=") ? p : p + "?" + q);
                }
            }
            for (WebElement f : secretariat.driver.findElements(By.cssSelector("form[action^='/secretariat'], form[action*='/secretariat/']"))) {
                String p = URI.create(f.getAttribute("action")).getRawPath();
                if ("get".equalsIgnoreCase(f.getAttribute("method"))) {
                    toVisit.add(p);
                } else {
                    posts.add(p);
                }
            }
        }
        assertThat(gets).contains("/secretariat/", "/secretariat/queue", "/secretariat/filings", "/secretariat/filings/" + id,
                "/secretariat/filings/" + id + "/document", "/secretariat/filings/" + id + "/receipt.p7s", "/secretariat/cycle.zip");
        assertThat(posts).contains("/secretariat/filings/" + id + "/release", "/secretariat/filings/" + id + "/hold",
                "/secretariat/filings/" + id + "/withdraw");

        PortalLogin.Session state = PortalLogin.login(exchange, "borealia-officer");
        String forbiddenMarker = "arc-console-crawl.pdf";
        for (String path : gets) {
            HttpResponse<String> r = state.get(path);
            assertThat(r.statusCode()).as("GET " + path + " with a State's session").isEqualTo(404);
            assertThat(r.body()).as("GET " + path).doesNotContain(forbiddenMarker, "console-nav").contains("does not exist");
        }
        long auditBefore = PortalLogin.auditLines(exchange, "filing.").size();
        for (String path : posts) {
            HttpResponse<String> r = state.post(path, "reason", "a State tries", "back", "queue");
            assertThat(r.statusCode()).as("POST " + path + " with a State's session").isEqualTo(404);
            assertThat(r.body()).as("POST " + path).doesNotContain(forbiddenMarker);
        }
        assertThat(PortalLogin.auditLines(exchange, "filing.")).hasSize((int) auditBefore);
        assertThat(exchange.admin("filings", "--status", "pending")).contains(id);

        // and the same paths in a real browser signed in for a State: the missing page
        for (String path : List.of("/secretariat/", "/secretariat/queue", "/secretariat/filings/" + id)) {
            borealia.driver.get(exchange.portalUrl(path));
            assertThat(borealia.driver.getPageSource()).as(path).doesNotContain(forbiddenMarker).doesNotContain("console-nav");
        }
    }
}
