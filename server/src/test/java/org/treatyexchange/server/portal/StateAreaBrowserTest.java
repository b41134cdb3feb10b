package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;

/**
 * The States' area in a real browser (Debian's chromium, headless), two officers each logged in with
 * password and TOTP: Arcadia files a public report with a real file through the form (upload.js's
 * progress bar), sees the receipt, downloads it and verifies it with {@code openssl cms -verify};
 * Borealia does not see the report until the secretariat releases it, then does; the public site lists
 * it only once released; Arcadia withdraws it and it leaves the public site. A screenshot of each main
 * page goes to {@code target/portal-screenshots/}.
 */
class StateAreaBrowserTest {

    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass();

    @TempDir
    static Path dir;
    static Browser arcadia;
    static Browser borealia;
    static final String LAST_YEAR = Integer.toString(LocalDate.now(ZoneOffset.UTC).getYear() - 1);

    @BeforeAll
    static void logIn() throws Exception {
        arcadia = Browser.start();
        borealia = Browser.start();
        PortalLogin.loginInBrowser(arcadia, exchange, "arcadia-officer");
        PortalLogin.loginInBrowser(borealia, exchange, "borealia-officer");
    }

    @AfterAll
    static void closeBrowsers() throws Exception {
        for (Browser b : new Browser[] {arcadia, borealia}) {
            if (b != null) {
                b.close();
            }
        }
    }

    static List<String> publicReportIds() {
        arcadia.driver.get(exchange.portalUrl("/"));
        return arcadia.driver.findElements(By.cssSelector("#reports tbody tr")).stream().map(e -> e.getAttribute("data-filing")).toList();
    }

    @Test
    void aReportFiledInTheBrowserIsReceiptedVerifiedReleasedToOthersAndWithdrawn() throws Exception {
        arcadia.driver.get(exchange.portalUrl("/state/"));
        arcadia.screenshot("state-overview");
        assertThat(arcadia.driver.findElements(By.cssSelector("#obligations tbody tr"))).isNotEmpty();

        Path report = dir.resolve("arcadia-annual-" + LAST_YEAR + ".pdf");
        Files.writeString(report, "%PDF-1.4 Arcadia's annual report on exports and imports of conventional arms\n".repeat(2000));
        arcadia.driver.get(exchange.portalUrl("/state/file"));
        new Select(arcadia.driver.findElement(By.id("reportType"))).selectByValue("annual-report");
        arcadia.driver.findElement(By.id("period")).sendKeys(LAST_YEAR);
        arcadia.driver.findElement(By.id("level-public")).click();
        arcadia.driver.findElement(By.id("title")).sendKeys("Annual report " + LAST_YEAR);
        arcadia.driver.findElement(By.id("document")).sendKeys(report.toString());
        arcadia.driver.executeScript("window.scrollTo(0, 0)");
        arcadia.screenshot("state-file-form");
        arcadia.driver.findElement(By.cssSelector("#file-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> arcadia.driver.getPageSource().contains("Report received"));
        arcadia.driver.executeScript("window.scrollTo(0, 0)"); // the page as it opens, not where the click left it
        arcadia.screenshot("state-receipt");
        String id = arcadia.driver.findElement(By.cssSelector(".filing-id")).getText();
        assertThat(arcadia.driver.getPageSource()).contains("arcadia-annual-" + LAST_YEAR + ".pdf",
                "openssl cms -verify -inform DER -in " + id + ".p7s -CAfile receipt-cert.pem");

        // the receipt, downloaded by the browser, verifies with openssl against the server's receipt certificate
        arcadia.driver.findElement(By.cssSelector("a.receipt-download")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> arcadia.downloaded().stream()
                .anyMatch(p -> p.getFileName().toString().equals(id + ".p7s")));
        Path receipt = arcadia.downloads.resolve(id + ".p7s");
        Processes.Result verified = Processes.opensslVerify(receipt, exchange.server().receiptCertificate(), dir.resolve("receipt.json"));
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(Files.readString(dir.resolve("receipt.json"), StandardCharsets.UTF_8)).contains(id, "arcadia-annual-" + LAST_YEAR + ".pdf");

        // Borealia does not see it, nor does the public, before the secretariat releases it
        borealia.driver.get(exchange.portalUrl("/state/received"));
        assertThat(borealia.driver.getPageSource()).doesNotContain(id, "arcadia-annual-");
        borealia.driver.get(exchange.portalUrl("/state/filings/" + id));
        assertThat(borealia.driver.getPageSource()).doesNotContain("arcadia-annual-");
        assertThat(publicReportIds()).doesNotContain(id);

        assertThat(exchange.admin("release", id)).startsWith("0\n");
        borealia.driver.get(exchange.portalUrl("/state/received"));
        borealia.screenshot("state-received");
        assertThat(borealia.driver.findElements(By.cssSelector("#received tr[data-filing='" + id + "']"))).hasSize(1);
        assertThat(publicReportIds()).contains(id);

        // Arcadia's own pages: the list, the filing with its status, then the withdrawal
        arcadia.driver.get(exchange.portalUrl("/state/filings"));
        arcadia.screenshot("state-filings");
        assertThat(arcadia.driver.findElement(By.cssSelector("tr[data-filing='" + id + "']")).getAttribute("data-status")).isEqualTo("released");
        arcadia.driver.get(exchange.portalUrl("/state/filings/" + id));
        arcadia.screenshot("state-filing");
        arcadia.driver.findElement(By.id("reason")).sendKeys("Replaced by a corrected report");
        arcadia.driver.findElement(By.cssSelector("#withdraw-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> arcadia.driver.findElements(By.cssSelector("#status[data-status='withdrawn']"))
                .size() == 1);
        assertThat(arcadia.driver.getPageSource()).contains("Replaced by a corrected report");
        assertThat(publicReportIds()).doesNotContain(id);
        borealia.driver.get(exchange.portalUrl("/state/received"));
        assertThat(borealia.driver.findElements(By.cssSelector("#received tr[data-filing='" + id + "']"))).isEmpty();
    }

    @Test
    void contactsAndInstructionsPagesWorkInTheBrowser() throws Exception {
        borealia.driver.get(exchange.portalUrl("/state/contacts"));
        borealia.screenshot("state-contacts");
        assertThat(borealia.driver.findElement(By.id("contacts")).getText()).contains("Republic of Arcadia");

        borealia.driver.get(exchange.portalUrl("/state/instructions"));
        new Select(borealia.driver.findElement(By.id("reportType"))).selectByValue("nil-annual-report");
        borealia.driver.findElement(By.id("level-secretariat")).click();
        borealia.driver.findElement(By.cssSelector("#instruction-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !borealia.driver.findElements(
                By.cssSelector("#instructions tr[data-type='nil-annual-report'][data-level='secretariat']")).isEmpty());
        borealia.screenshot("state-instructions");
    }
}
