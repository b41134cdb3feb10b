package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.treatyexchange.server.TestExchange;

/**
 * The public site in a real browser and through a real HTTPS client against one real server: only
 * released public reports are listed and downloadable (as attachments), restricted and pending ones never
 * appear, the reporting table names no restricted title, every response carries the browser-security
 * headers, bad input gets a message and a 400, and the texts follow the language switch and Accept-Language.
 */
class PublicSiteTest {

    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass();

    static Browser browser;
    static HttpClient http;
    static String releasedPublic;
    static String pendingPublic;
    static String releasedRestricted;

    static final String PUBLIC_CONTENT = "ARC annual report 2025, public edition";

    @BeforeAll
    static void fileAndRelease() throws Exception {
        releasedPublic = file("arcadia-officer", "/submit/annual-report/public/arc-annual-public-2025.pdf", PUBLIC_CONTENT);
        assertThat(exchange.admin("release", releasedPublic)).startsWith("0\n");
        pendingPublic = file("borealia-officer", "/submit/annual-report/public/bor-pending-public-2025.pdf", "BOR pending");
        releasedRestricted = file("sylvania-officer", "/submit/annual-report/states-parties/syl-restricted-secret-title-2025.pdf",
                "SYL restricted");
        assertThat(exchange.admin("release", releasedRestricted)).startsWith("0\n");
        http = HttpClient.newBuilder().sslContext(trusting(exchange.server().caCertificate())).connectTimeout(Duration.ofSeconds(10))
                .build();
        browser = Browser.start();
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    static String file(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    static SSLContext trusting(Path caPem) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("exchange-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(exchange.portalUrl(path))).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBrowserSeesOnlyReleasedPublicReports() throws Exception {
        browser.driver.get(exchange.portalUrl("/"));
        browser.screenshot("public-reports");
        assertThat(browser.driver.getTitle()).contains("Public reports");
        List<String> rows = browser.driver.findElements(By.cssSelector("#reports tbody tr")).stream().map(e -> e.getAttribute("data-filing"))
                .toList();
        assertThat(rows).contains(releasedPublic).doesNotContain(pendingPublic, releasedRestricted);
        assertThat(browser.driver.getPageSource()).doesNotContain("bor-pending-public", "syl-restricted-secret-title");
    }

    @Test
    void theFiltersNarrowTheListAndAStatePageShowsItsOwnOnly() throws Exception {
        browser.driver.get(exchange.portalUrl("/"));
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("state"))).selectByValue("BOR");
        browser.driver.findElement(By.cssSelector("form.filters button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().contains("state=BOR"));
        assertThat(browser.driver.findElements(By.cssSelector("#reports tbody tr"))).isEmpty();

        browser.driver.get(exchange.portalUrl("/states/ARC"));
        browser.screenshot("public-state-page");
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains("Republic of Arcadia");
        assertThat(browser.driver.findElements(By.cssSelector("#reports tbody tr")).stream().map(e -> e.getAttribute("data-filing")))
                .containsExactly(releasedPublic);

        assertThat(get("/?type=annual-report&period=1999").body()).contains("No public report matches.");
        assertThat(get("/states/ZZZ").statusCode()).isEqualTo(404);
    }

    @Test
    void aDownloadIsAnAttachmentWithTheFiledBytes() throws Exception {
        HttpResponse<String> r = get("/reports/" + releasedPublic + "/download");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PUBLIC_CONTENT);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment; filename=\"arc-annual-public-2025.pdf\"");

        browser.driver.get(exchange.portalUrl("/"));
        WebElement link = browser.driver.findElement(By.cssSelector("tr[data-filing='" + releasedPublic + "'] a.download"));
        link.click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.downloaded().isEmpty());
        Path got = browser.downloaded().get(0);
        assertThat(got.getFileName().toString()).isEqualTo("arc-annual-public-2025.pdf");
        assertThat(Files.readString(got)).isEqualTo(PUBLIC_CONTENT);
    }

    @Test
    void restrictedAndPendingReportsCannotBeDownloaded() throws Exception {
        assertThat(get("/reports/" + releasedRestricted + "/download").statusCode()).isEqualTo(404);
        assertThat(get("/reports/" + pendingPublic + "/download").statusCode()).isEqualTo(404);
        assertThat(get("/reports/no-such-filing/download").statusCode()).isEqualTo(404);
    }

    @Test
    void theReportingTableTellsWhoFiledButNoRestrictedTitle() throws Exception {
        browser.driver.get(exchange.portalUrl("/reporting?year=2025"));
        browser.screenshot("public-reporting-table");
        String page = browser.driver.getPageSource();
        assertThat(browser.driver.findElements(By.cssSelector("#reporting tbody tr"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(page).contains("Republic of Arcadia").doesNotContain("syl-restricted-secret-title");
        String syl = browser.driver.findElement(By.cssSelector("tr[data-state='SYL']")).getText();
        assertThat(syl).contains("Restricted to States Parties");
        String arc = browser.driver.findElement(By.cssSelector("tr[data-state='ARC']")).getText();
        assertThat(arc).contains("Public");
    }

    @Test
    void everyResponseCarriesTheBrowserSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/reporting", "/no-such-page", "/reports/" + releasedPublic + "/download")) {
            HttpResponse<String> r = get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValue(SecurityHeaders.CSP);
            assertThat(SecurityHeaders.CSP).doesNotContain("unsafe-inline", "unsafe-eval").contains("frame-ancestors 'none'",
                    "form-action 'self'", "base-uri 'none'");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        }
        HttpResponse<String> page = get("/");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        // no inline script or style anywhere: the CSP would block it
        assertThat(page.body()).doesNotContain("<script>", "style=", "onclick=");
    }

    @Test
    void staticFilesAreCachedForAYearUnderAVersionedUrl() throws Exception {
        String page = get("/").body();
        java.util.regex.Matcher css = java.util.regex.Pattern.compile("href=\"(/static/[0-9a-f]{12}/portal\\.css)\"").matcher(page);
        assertThat(css.find()).isTrue();
        HttpResponse<String> r = get(css.group(1));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(get("/static/000000000000/portal.css").statusCode()).isEqualTo(404);
        assertThat(get("/static/x/../../etc/passwd").statusCode()).isEqualTo(404);
    }

    @Test
    void badInputGetsAMessageAndIsEscaped() throws Exception {
        HttpResponse<String> r = get("/?period=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        assertThat(r.statusCode()).isEqualTo(400);
        // in an attribute value the template escapes < (and the quote); > alone cannot end the attribute
        assertThat(r.body()).contains("A period is a year").contains("value=\"&lt;script>alert(1)&lt;/script>\"").doesNotContain("<script>alert");
        assertThat(get("/?type=no-such-type").body()).contains("not one of the treaty");
        assertThat(get("/reporting?year=20x5").statusCode()).isEqualTo(400);

        browser.driver.get(exchange.portalUrl("/?period=%3Cscript%3Ealert(1)%3C%2Fscript%3E"));
        browser.screenshot("public-reports-error");
        assertThat(browser.driver.findElement(By.cssSelector(".error-summary")).getText()).contains("A period is a year");
        assertThat(browser.driver.findElement(By.id("period")).getAttribute("value")).isEqualTo("<script>alert(1)</script>");
    }

    @Test
    void aMalformedQueryGetsAPageNotADroppedConnection() throws Exception {
        SSLContext tls = trusting(exchange.server().caCertificate());
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1",
                exchange.server().portalPort())) {
            socket.getOutputStream().write("GET /?period=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Content-Security-Policy: ").contains("Something in the request is not valid");
        }
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(exchange.portalUrl("/")))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Content-Type", "application/x-www-form-urlencoded").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void theLanguageFollowsTheSwitchAndTheBrowser() throws Exception {
        assertThat(get("/", "Accept-Language", "es-ES,es;q=0.9").body()).contains("<html lang=\"es\">", "Informes públicos");
        assertThat(get("/", "Accept-Language", "de-DE").body()).contains("<html lang=\"en\">");

        browser.driver.get(exchange.portalUrl("/reporting?year=2025"));
        browser.driver.findElement(By.cssSelector("nav.lang a[hreflang='fr']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.findElement(By.tagName("html")).getAttribute("lang").equals("fr"));
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains("Qui a fait rapport");
        assertThat(browser.driver.getCurrentUrl()).contains("year=2025");
        browser.driver.get(exchange.portalUrl("/")); // the choice is remembered
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Rapports publics");
        browser.screenshot("public-reports-fr");
        browser.driver.findElement(By.cssSelector("nav.lang a[hreflang='en']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.findElement(By.tagName("html")).getAttribute("lang").equals("en"));
    }
}
