package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.application.Caller;

/**
 * Delegated administration in a real browser (Debian's chromium, headless): Arcadia's State administrator invites an officer;
 * the invitation waits in the secretariat's console until a secretariat administrator approves it; the officer then enrols
 * with the one-time link (a password, then TOTP at the first login) and files a report. The administrator's own session cookie
 * is refused on another State's accounts (form fields naming them, another State's URLs) and on the secretariat's pages.
 */
class DelegatedAdministrationBrowserTest {

    static final ConsoleFixture.WithAdministrator REGISTRY = new ConsoleFixture.WithAdministrator();

    @RegisterExtension
    @Order(1)
    static final TestExchange exchange = TestExchange.perClass(REGISTRY);

    @TempDir
    static Path dir;
    static Browser arcadia;
    static Browser secretariat;
    static Browser invitee;

    @BeforeAll
    static void logIn() throws Exception {
        exchange.server().delegatedAdministration().grantStateAdministrator(Caller.operator(), "arcadia-officer");
        arcadia = Browser.start();
        secretariat = Browser.start();
        invitee = Browser.start();
        PortalLogin.loginInBrowser(arcadia, exchange, "arcadia-officer");
        PortalLogin.loginInBrowser(secretariat, exchange, ConsoleFixture.ADMIN);
    }

    @AfterAll
    static void closeBrowsers() throws Exception {
        for (Browser b : new Browser[] {arcadia, secretariat, invitee}) {
            if (b != null) {
                b.close();
            }
        }
    }

    static void awaitPage(Browser b, String cssSelector) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !b.driver.findElements(By.cssSelector(cssSelector)).isEmpty());
    }

    @Test
    void anInvitedOfficerEnrolsOnceTheSecretariatApprovesAndFilesAReport() throws Exception {
        arcadia.driver.get(exchange.portalUrl("/state/"));
        arcadia.driver.findElement(By.id("nav-accounts")).click();
        awaitPage(arcadia, "#state-accounts");
        assertThat(arcadia.driver.findElements(By.cssSelector("#state-accounts tr[data-account]")))
                .allSatisfy(row -> assertThat(row.getAttribute("data-account")).startsWith("arcadia-"));
        arcadia.driver.findElement(By.id("invite-account")).sendKeys("arcadia-analyst");
        arcadia.driver.findElement(By.id("invite-submit")).click();
        awaitPage(arcadia, "#accounts-done");
        arcadia.screenshot("state-accounts-invited");
        assertThat(arcadia.driver.findElement(By.id("accounts-done")).getAttribute("data-status")).isEqualTo("pending");
        String link = arcadia.driver.findElement(By.id("enrolment-link")).getAttribute("href");
        assertThat(link).contains("/enrol?token=");

        // before approval the link does not enrol
        invitee.driver.get(link);
        awaitPage(invitee, "#error-summary");
        assertThat(invitee.driver.findElement(By.id("error-summary")).getText()).contains("awaits the secretariat");

        // the secretariat sees it pending and approves it
        secretariat.driver.get(exchange.portalUrl("/secretariat/delegation"));
        WebElement row = secretariat.driver.findElement(By.cssSelector("#delegation-pending tr[data-target='arcadia-analyst']"));
        assertThat(row.getAttribute("data-state")).isEqualTo("ARC");
        assertThat(row.getAttribute("data-action")).isEqualTo("invite");
        secretariat.screenshot("secretariat-delegation-pending");
        String change = row.getAttribute("data-change");
        secretariat.driver.findElement(By.id("approve-" + change)).click();
        awaitPage(secretariat, "#delegation-done");
        assertThat(secretariat.driver.findElements(By.cssSelector("#delegation-history tr[data-change='" + change + "'][data-status='applied']")))
                .hasSize(1);

        // the invitee sets a password with the link, then logs in and enrols TOTP
        invitee.driver.get(link);
        awaitPage(invitee, "#enrol-submit");
        String password = "analyst-password-" + System.nanoTime();
        invitee.driver.findElement(By.id("password")).sendKeys(password);
        invitee.driver.findElement(By.id("password-again")).sendKeys(password);
        invitee.driver.findElement(By.id("enrol-submit")).click();
        awaitPage(invitee, "#enrolled");
        invitee.driver.get(exchange.portalUrl("/login"));
        invitee.driver.findElement(By.id("account")).sendKeys("arcadia-analyst");
        invitee.driver.findElement(By.id("password")).sendKeys(password);
        invitee.driver.findElement(By.id("login-submit")).click();
        awaitPage(invitee, "#secret");
        String secret = invitee.driver.findElement(By.id("secret")).getText();
        invitee.driver.findElement(By.id("code")).sendKeys(PortalLogin.freshCode(new PortalLogin.Person("arcadia-analyst", password, secret)));
        invitee.driver.findElement(By.id("code-submit")).click();
        awaitPage(invitee, "#logout");

        // and files a report
        Path report = dir.resolve("analyst-report.pdf");
        Files.writeString(report, "%PDF-1.4 a report filed by an officer a State administrator invited\n".repeat(50));
        invitee.driver.get(exchange.portalUrl("/state/file"));
        new Select(invitee.driver.findElement(By.id("reportType"))).selectByValue("annual-report");
        invitee.driver.findElement(By.id("period")).sendKeys(Integer.toString(LocalDate.now(ZoneOffset.UTC).getYear() - 1));
        invitee.driver.findElement(By.id("level-public")).click();
        invitee.driver.findElement(By.id("title")).sendKeys("Annual report filed by the new analyst");
        invitee.driver.findElement(By.id("document")).sendKeys(report.toString());
        invitee.driver.findElement(By.cssSelector("#file-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> invitee.driver.getPageSource().contains("Report received"));
        assertThat(invitee.driver.getPageSource()).contains("analyst-report.pdf");

        // the link is spent
        invitee.driver.get(link);
        assertThat(invitee.driver.findElements(By.id("enrol-submit"))).isEmpty();
        // the administrator's page shows the officer active, with a last login
        arcadia.driver.get(exchange.portalUrl("/state/accounts"));
        WebElement analyst = arcadia.driver.findElement(By.cssSelector("#state-accounts tr[data-account='arcadia-analyst']"));
        assertThat(analyst.getAttribute("data-disabled")).isEqualTo("false");
        assertThat(analyst.getText()).as(analyst.getText()).doesNotContain("Never");
    }

    /** The secretariat approves the pending change of {@code action} on {@code target} in its console. */
    static void approveInConsole(String target, String action) {
        secretariat.driver.get(exchange.portalUrl("/secretariat/delegation"));
        WebElement row = secretariat.driver.findElement(By.cssSelector("#delegation-pending tr[data-target='" + target + "'][data-action='"
                + action + "']"));
        assertThat(row.getAttribute("data-state")).isEqualTo("ARC");
        String change = row.getAttribute("data-change");
        secretariat.driver.findElement(By.id("approve-" + change)).click();
        awaitPage(secretariat, "#delegation-done");
    }

    static WebElement accountRow(String account) {
        arcadia.driver.get(exchange.portalUrl("/state/accounts"));
        awaitPage(arcadia, "#state-accounts");
        return arcadia.driver.findElement(By.cssSelector("#state-accounts tr[data-account='" + account + "']"));
    }

    @Test
    void aSystemAccountIsAddedGivenAKeySuspendedAndReinstatedWithTheSecretariatsApproval() throws Exception {
        arcadia.driver.get(exchange.portalUrl("/state/accounts"));
        awaitPage(arcadia, "#system-account");
        arcadia.driver.findElement(By.id("system-account")).sendKeys("arcadia-sensor");
        arcadia.driver.findElement(By.id("system-submit")).click();
        awaitPage(arcadia, "#accounts-done");
        assertThat(arcadia.driver.findElement(By.id("accounts-done")).getAttribute("data-status")).isEqualTo("pending");
        assertThat(arcadia.driver.findElements(By.id("enrolment-link"))).isEmpty();
        assertThat(arcadia.driver.findElements(By.cssSelector("#state-accounts tr[data-account='arcadia-sensor']"))).isEmpty();

        approveInConsole("arcadia-sensor", "add-system-account");
        WebElement sensor = accountRow("arcadia-sensor");
        assertThat(sensor.getAttribute("data-role")).isEqualTo("state-system");
        assertThat(sensor.getAttribute("data-disabled")).isEqualTo("true");
        assertThat(sensor.getText()).contains("Awaiting its first key or certificate");
        assertThat(arcadia.driver.findElements(By.id("reinstate-arcadia-sensor"))).as("nothing to reinstate yet").isEmpty();

        // its first SSH key (applied at once by default) enables it
        String key = org.treatyexchange.server.crypto.SshKeyFiles.authorizedKeyLine(org.treatyexchange.server.crypto.SshKeyFiles
                .generateEd25519(dir.resolve("sensor-key"), "sensor"), "sensor");
        arcadia.driver.findElement(By.id("register-account")).sendKeys("arcadia-sensor");
        arcadia.driver.findElement(By.id("register-ssh")).sendKeys(key);
        arcadia.driver.findElement(By.id("register-submit")).click();
        awaitPage(arcadia, "#accounts-done");
        assertThat(arcadia.driver.findElement(By.id("accounts-done")).getAttribute("data-status")).isEqualTo("applied");
        assertThat(accountRow("arcadia-sensor").getAttribute("data-disabled")).isEqualTo("false");

        // suspended at once; reinstated once the secretariat approves
        arcadia.driver.findElement(By.id("suspend-arcadia-sensor")).click();
        awaitPage(arcadia, "#accounts-done");
        assertThat(accountRow("arcadia-sensor").getAttribute("data-disabled")).isEqualTo("true");
        arcadia.driver.findElement(By.id("reinstate-arcadia-sensor")).click();
        awaitPage(arcadia, "#accounts-done");
        arcadia.screenshot("state-accounts-reinstate-pending");
        assertThat(arcadia.driver.findElement(By.id("accounts-done")).getAttribute("data-status")).isEqualTo("pending");
        assertThat(accountRow("arcadia-sensor").getAttribute("data-disabled")).isEqualTo("true");
        approveInConsole("arcadia-sensor", "reinstate");
        assertThat(accountRow("arcadia-sensor").getAttribute("data-disabled")).isEqualTo("false");
        assertThat(arcadia.driver.findElements(By.cssSelector("#state-history tr[data-target='arcadia-sensor']")))
                .extracting(r -> r.getAttribute("data-action"))
                .contains("add-system-account", "register-ssh-key", "suspend", "reinstate");

        // the forms are in the page's language
        arcadia.driver.get(exchange.portalUrl("/state/accounts?lang=fr"));
        awaitPage(arcadia, "#system-submit");
        assertThat(arcadia.driver.findElement(By.id("system-submit")).getText()).isEqualTo("Ajouter le compte du système");
        arcadia.driver.get(exchange.portalUrl("/state/accounts?lang=en"));
    }

    @Test
    void theAdministratorsCookieIsRefusedOnAnotherStatesAccountsAndOnTheSecretariatsPages() throws Exception {
        String session = arcadia.driver.manage().getCookieNamed(SessionCookie.SESSION).getValue();
        var http = PortalLogin.client(exchange);
        String base = exchange.portalUrl("");
        HttpResponse<String> page = PortalLogin.send(http, base, "GET", "/state/accounts", session, null);
        assertThat(page.statusCode()).isEqualTo(200);
        PortalLogin.Session s = new PortalLogin.Session(http, base, session, PortalLogin.csrf(page.body()));
        String before = Files.readString(REGISTRY.file);
        for (String path : new String[] {"/state/accounts/suspend", "/state/accounts/remove", "/state/accounts/keys",
            "/state/accounts/revoke-certificate", "/state/accounts/remove-key", "/state/accounts/reinstate"}) {
            for (String other : new String[] {"borealia-system", "borealia-officer", "secretariat-admin"}) {
                HttpResponse<String> r = s.post(path, "account", other, "fingerprint",
                        exchange.server().registry().current().account("borealia-system").orElseThrow().certificates().get(0).fingerprint(),
                        "sshKey", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x");
                assertThat(r.statusCode()).as(path + " " + other).isEqualTo(404);
            }
        }
        for (String path : new String[] {"/state/BOR/accounts", "/state/BOR/", "/secretariat/delegation", "/secretariat/registry"}) {
            assertThat(s.get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(s.post("/secretariat/delegation/appoint", "account", "arcadia-system").statusCode()).isEqualTo(404);
        assertThat(s.post("/secretariat/delegation/approve", "change", "0".repeat(24)).statusCode()).isEqualTo(404);
        assertThat(Files.readString(REGISTRY.file)).isEqualTo(before);
        // a State officer who is not an administrator finds no accounts page at all
        PortalLogin.Session borealia = PortalLogin.login(exchange, "borealia-officer");
        assertThat(borealia.get("/state/accounts").statusCode()).isEqualTo(404);
        assertThat(borealia.post("/state/accounts/suspend", "account", "borealia-system").statusCode()).isEqualTo(404);
        assertThat(exchange.server().registry().current().account("borealia-system").orElseThrow().disabled()).isFalse();
    }
}
