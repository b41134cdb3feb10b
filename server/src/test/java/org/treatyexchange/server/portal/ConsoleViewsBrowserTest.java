package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.treatyexchange.server.TestExchange;

/**
 * The secretariat's console in a real browser (Debian's chromium, headless), each person logged in with password
 * and TOTP: the dashboard shows the States with the right status after filings and its CSV download says the
 * same; the administrator adds a certificate in the registry pages (it then works over mutual TLS) and revokes
 * it (the next HTTPS request with it is refused); an officer is offered no change; the audit page shows the
 * chain intact; a message with an attachment reaches Borealia's portal and SFTP {@code /distributed/}; Borealia's
 * session opens none of the console's pages. Screenshots of the dashboard, the registry, the audit page and the
 * message form go to {@code target/portal-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleViewsBrowserTest {

    static final ConsoleFixture.WithAdministrator registry = new ConsoleFixture.WithAdministrator();
    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass(registry);

    @TempDir
    static Path dir;
    static Browser officer;
    static Browser admin;
    static Browser borealia;
    static final String LAST_YEAR = Integer.toString(LocalDate.now(ZoneOffset.UTC).getYear() - 1);

    @BeforeAll
    static void logIn() throws Exception {
        officer = Browser.start();
        admin = Browser.start();
        borealia = Browser.start();
        PortalLogin.loginInBrowser(officer, exchange, ConsoleFixture.OFFICER);
        PortalLogin.loginInBrowser(admin, exchange, ConsoleFixture.ADMIN);
        PortalLogin.loginInBrowser(borealia, exchange, "borealia-officer");
    }

    @AfterAll
    static void closeBrowsers() throws Exception {
        for (Browser b : new Browser[] {officer, admin, borealia}) {
            if (b != null) {
                b.close();
            }
        }
    }

    static Map<String, String> dashboardRows(Browser b) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (WebElement tr : b.driver.findElements(By.cssSelector("#dashboard tbody tr"))) {
            rows.put(tr.getAttribute("data-state"), tr.getAttribute("data-outcome"));
        }
        return rows;
    }

    @Test
    @Order(1)
    void theDashboardShowsTheStatesAfterTheirFilingsAndItsCsvSaysTheSame() throws Exception {
        StatePortal portal = StatePortal.of(exchange);
        ConsoleFixture.file(portal, portal.signIn("arcadia-officer"), "annual-report", LAST_YEAR, "public", "arc-annual.pdf");
        ConsoleFixture.file(portal, portal.signIn("sylvania-officer"), "nil-annual-report", LAST_YEAR, "states-parties", "syl-nil.pdf");

        officer.driver.get(exchange.portalUrl("/secretariat/"));
        officer.driver.findElement(By.cssSelector("#console-nav a[href='/secretariat/dashboard']")).click();
        new Select(officer.driver.findElement(By.id("type"))).selectByValue("annual-report");
        WebElement year = officer.driver.findElement(By.id("year"));
        year.clear();
        year.sendKeys(LAST_YEAR);
        officer.driver.findElement(By.cssSelector("#dashboard-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> dashboardRows(officer).containsKey("ARC"));
        officer.screenshot("secretariat-dashboard");
        Map<String, String> rows = dashboardRows(officer);
        assertThat(rows).containsEntry("ARC", "late").containsEntry("SYL", "late").containsEntry("BOR", "missing").doesNotContainKey("CAL");
        assertThat(officer.driver.findElement(By.cssSelector("#dashboard tr[data-state='SYL']")).getText()).contains("nil report");
        assertThat(officer.driver.findElement(By.cssSelector("#counts li[data-outcome='late'] .count")).getText()).isEqualTo("2");
        assertThat(officer.driver.findElements(By.cssSelector("#chart rect.bar-late"))).hasSize(1);

        officer.driver.findElement(By.id("csv-download")).click();
        String csvName = "reporting-annual-report-" + LAST_YEAR + ".csv";
        await().atMost(Duration.ofSeconds(20)).until(() -> officer.downloaded().stream().anyMatch(p -> p.getFileName().toString().equals(csvName)));
        Map<String, String> fromCsv = new LinkedHashMap<>();
        Files.readAllLines(officer.downloads.resolve(csvName), StandardCharsets.UTF_8).stream().skip(1)
                .forEach(l -> fromCsv.put(l.split(",")[0], l.split(",")[2]));
        assertThat(fromCsv).isEqualTo(rows);
    }

    @Test
    @Order(2)
    void theAdministratorAddsACertificateThenRevokesItAndTheNextHttpsRequestWithItIsRefused() throws Exception {
        Path[] client = ConsoleFixture.opensslClient(dir, "borealia-browser", 365);
        String fingerprint = ConsoleFixture.fingerprint(dir, client[1]);
        admin.driver.get(exchange.portalUrl("/secretariat/registry"));
        admin.screenshot("secretariat-registry");
        new Select(admin.driver.findElement(By.id("account"))).selectByValue("borealia-system");
        // the PEM's line breaks go in as they are (sendKeys types them)
        admin.driver.findElement(By.id("certificate")).sendKeys(Files.readString(client[1]));
        admin.driver.findElement(By.id("add-keys-submit")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> !admin.driver.findElements(By.id("registry-done")).isEmpty());
        assertThat(admin.driver.findElements(By.cssSelector("#registry-certificates tr[data-fingerprint='" + fingerprint + "']"))).hasSize(1);
        assertThat(ConsoleFixture.apiStatus(exchange, dir, client)).isEqualTo("200");

        admin.driver.findElement(By.cssSelector("#registry-certificates tr[data-fingerprint='" + fingerprint + "'] .revoke-form button")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> !admin.driver.findElements(
                By.cssSelector("#registry-revoked tr[data-fingerprint='" + fingerprint + "']")).isEmpty());
        admin.driver.get(exchange.portalUrl("/secretariat/registry#revoked"));
        admin.screenshot("secretariat-registry-revoked");
        assertThat(ConsoleFixture.apiStatus(exchange, dir, client)).isEqualTo("403");
        assertThat(Files.readString(registry.file)).contains(fingerprint, "revoked by secretariat-admin in the portal on");
    }

    @Test
    @Order(3)
    void anOfficerSeesTheRegistryButIsOfferedNoChange() throws Exception {
        officer.driver.get(exchange.portalUrl("/secretariat/registry"));
        assertThat(officer.driver.findElements(By.cssSelector("#registry-states tr[data-state='CAL'][data-status='signatory']"))).hasSize(1);
        assertThat(officer.driver.findElements(By.cssSelector("#registry-accounts tr[data-account='borealia-system']"))).hasSize(1);
        assertThat(officer.driver.findElements(By.id("add-keys-form"))).isEmpty();
        assertThat(officer.driver.findElements(By.cssSelector(".revoke-form"))).isEmpty();
        assertThat(officer.driver.findElement(By.id("registry-contacts")).getText()).contains("Republic of Arcadia");
    }

    @Test
    @Order(4)
    void theAuditPageShowsTheChainIntact() throws Exception {
        officer.driver.get(exchange.portalUrl("/secretariat/audit"));
        officer.screenshot("secretariat-audit");
        assertThat(officer.driver.findElement(By.id("chain-status")).getAttribute("data-intact")).isEqualTo("true");
        officer.driver.findElement(By.id("type")).sendKeys("admin.revoke");
        officer.driver.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> officer.driver.getCurrentUrl().contains("type=admin.revoke"));
        List<WebElement> events = officer.driver.findElements(By.cssSelector("#audit-events tbody tr"));
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.getAttribute("data-type")).isEqualTo("admin.revoke-certificate"));
    }

    @Test
    @Order(5)
    void aMessageWithAnAttachmentReachesBorealiasPortalAndSftp() throws Exception {
        Path annex = dir.resolve("cycle-annex.pdf");
        Files.writeString(annex, "%PDF-1.4 the secretariat's annex to its note\n".repeat(3000));
        officer.driver.get(exchange.portalUrl("/secretariat/messages"));
        officer.driver.findElement(By.id("to-BOR")).click();
        officer.driver.findElement(By.id("title")).sendKeys("Reminder: annual reports " + LAST_YEAR);
        officer.driver.findElement(By.id("body")).sendKeys("The annual report for " + LAST_YEAR + " is overdue. The annex explains.");
        officer.driver.findElement(By.id("attachment")).sendKeys(annex.toString());
        officer.screenshot("secretariat-messages");
        officer.driver.findElement(By.id("message-submit")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !officer.driver.findElements(By.id("message-sent")).isEmpty());

        borealia.driver.get(exchange.portalUrl("/state/received"));
        assertThat(borealia.driver.getPageSource()).contains("Reminder: annual reports " + LAST_YEAR);
        borealia.driver.findElement(By.cssSelector("a.attachment[data-name='cycle-annex.pdf']")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> borealia.downloaded().stream()
                .anyMatch(p -> p.getFileName().toString().equals("cycle-annex.pdf")));
        assertThat(Files.readAllBytes(borealia.downloads.resolve("cycle-annex.pdf"))).isEqualTo(Files.readAllBytes(annex));

        try (var session = exchange.login("borealia-officer"); var sftp = exchange.sftp(session)) {
            String name = null;
            for (var e : sftp.readDir("/distributed")) {
                if (e.getFilename().endsWith("-secretariat-message--cycle-annex.pdf")) {
                    name = e.getFilename();
                }
            }
            assertThat(name).isNotNull();
            try (java.io.InputStream in = sftp.read("/distributed/" + name)) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(annex));
            }
        }
    }

    @Test
    @Order(6)
    void aStatesSessionOpensNoneOfTheConsolesPages() {
        for (String path : List.of("/secretariat/", "/secretariat/dashboard", "/secretariat/dashboard.csv", "/secretariat/registry",
                "/secretariat/audit", "/secretariat/audit/export.zip", "/secretariat/messages")) {
            borealia.driver.get(exchange.portalUrl(path));
            assertThat(borealia.driver.getPageSource()).as(path).contains("signed-in-as").doesNotContain("console-nav", "registry-states",
                    "audit-events", "message-form", "id=\"dashboard\"");
            assertThat(borealia.driver.getTitle()).as(path).startsWith("There is a problem");
            assertThat(borealia.driver.getPageSource()).as(path).contains("does not exist");
        }
    }
}
