package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.PasswordHash;

/**
 * People log in to the portal against one real server, over HTTPS and in a real browser: password and
 * TOTP; the first login enrols TOTP with a QR code; a registered client certificate stands in for the
 * code; the session cookie's attributes; a new session id at login; the anti-forgery token on every
 * state-changing form; one State's session never opens another State's or the secretariat's pages;
 * logout ends the session on the server; every step audited.
 */
class PortalLoginTest {

    /** A State person without TOTP yet (only a password): the first login enrols. */
    static final String NEWCOMER = "arcadia-newcomer";
    static final String NEWCOMER_PASSWORD = "newcomer-" + java.util.UUID.randomUUID();
    static final Path REGISTRY = registryWithNewcomer();

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> TestExchange.withRegistry(c, REGISTRY));

    static Path registryWithNewcomer() {
        try {
            Path dir = Files.createTempDirectory("portal-login-registry-");
            dir.toFile().deleteOnExit();
            Path file = TestExchange.copyShippedRegistry(dir.resolve("registry.yaml"));
            Files.writeString(file, Files.readString(file) + "\n  - name: " + NEWCOMER + "\n    state: ARC\n    role: state-officer\n"
                    + "    passwordHash: '" + PasswordHash.create(NEWCOMER_PASSWORD.toCharArray()).encoded() + "'\n");
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aDemoPersonLogsInWithPasswordAndCodeAndSeesTheirArea() throws Exception {
        PortalLogin.Session s = PortalLogin.login(exchange, "secretariat");
        HttpResponse<String> page = s.get("/secretariat/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as secretariat", "id=\"secretariat-placeholder\"");
        assertThat(PortalLogin.auditLines(exchange, "auth.success", "\"actor\":\"secretariat\"", "portal", "password+totp")).isNotEmpty();
    }

    @Test
    void withoutASessionTheSignedInAreasRedirectToTheLogin() throws Exception {
        HttpClient http = PortalLogin.client(exchange);
        for (String path : new String[] {"/state/", "/state/ARC/", "/secretariat/", "/state"}) {
            HttpResponse<String> r = PortalLogin.send(http, exchange.portalUrl(""), "GET", path, null, null);
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(path).hasValue("/login");
        }
        HttpResponse<String> forged = PortalLogin.send(http, exchange.portalUrl(""), "GET", "/state/", "made-up-session-id", null);
        assertThat(forged.statusCode()).isEqualTo(303);
        assertThat(forged.headers().firstValue("Location")).hasValue("/login?ended=1");
    }

    @Test
    void theSessionCookieIsHostPrefixedSecureHttpOnlyStrictAndANewIdAtLogin() throws Exception {
        HttpClient http = PortalLogin.client(exchange);
        String base = exchange.portalUrl("");
        PortalLogin.Person p = PortalLogin.person(exchange, "sylvania-officer");
        HttpResponse<String> form = PortalLogin.send(http, base, "GET", "/login", null, null);
        assertThat(PortalLogin.setCookieLine(form, SessionCookie.LOGIN_FORM)).contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict");

        // a session id planted before the login (fixation) is not the one the login gives
        String planted = "planted-by-an-attacker";
        HttpResponse<String> afterPassword = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", SessionCookie.LOGIN_FORM + "=" + PortalLogin.cookie(form, SessionCookie.LOGIN_FORM) + "; "
                        + SessionCookie.SESSION + "=" + planted)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(PortalLogin.form("csrf", PortalLogin.csrf(form.body()), "account", p.account(),
                        "password", p.password()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(afterPassword.statusCode()).isEqualTo(303);
        String pending = PortalLogin.cookie(afterPassword, SessionCookie.SESSION);
        assertThat(pending).isNotEqualTo(planted).hasSizeGreaterThanOrEqualTo(43);
        HttpResponse<String> codePage = PortalLogin.send(http, base, "GET", "/login/code", pending, null);
        HttpResponse<String> signedIn = PortalLogin.send(http, base, "POST", "/login/code", pending,
                PortalLogin.form("csrf", PortalLogin.csrf(codePage.body()), "code", PortalLogin.freshCode(p)));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/state/");
        String line = PortalLogin.setCookieLine(signedIn, SessionCookie.SESSION);
        assertThat(line).startsWith("__Host-session=").contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict")
                .doesNotContain("Domain=", "Max-Age", "Expires");
        String session = PortalLogin.cookie(signedIn, SessionCookie.SESSION);
        assertThat(session).isNotEqualTo(pending).isNotEqualTo(planted);

        // the pre-login id opens nothing; the new one does
        assertThat(PortalLogin.send(http, base, "GET", "/state/", pending, null).headers().firstValue("Location")).hasValue("/login?ended=1");
        HttpResponse<String> home = PortalLogin.send(http, base, "GET", "/login", session, null);
        assertThat(home.statusCode()).isEqualTo(303);
        assertThat(home.headers().firstValue("Location")).hasValue("/state/");
    }

    @Test
    void aFormWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws Exception {
        PortalLogin.Session s = PortalLogin.login(exchange, "calvera-officer");
        HttpResponse<String> missing = s.postWithout("/logout");
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.body()).contains("Nothing was changed.");
        HttpResponse<String> wrong = s.postWithout("/logout", "csrf", PortalLogin.csrf(PortalLogin.send(s.http(), s.baseUrl(), "GET", "/login",
                null, null).body()));
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> inArea = s.postWithout("/state/CAL/instructions", "level", "public");
        assertThat(inArea.statusCode()).isEqualTo(403);
        assertThat(inArea.body()).contains("Nothing was changed.");
        // the session is still there: the forged logouts did nothing
        HttpResponse<String> still = s.get("/login");
        assertThat(still.statusCode()).isEqualTo(303);
        assertThat(still.headers().firstValue("Location")).hasValue("/state/");
        assertThat(PortalLogin.auditLines(exchange, "auth.logout", "calvera-officer")).isEmpty();
    }

    @Test
    void aStatesSessionOpensNeitherAnotherStatesPagesNorTheSecretariats() throws Exception {
        PortalLogin.Session arcadia = PortalLogin.login(exchange, "arcadia-officer");
        for (String path : new String[] {"/state/BOR/", "/state/BOR/filings", "/state/SYL", "/secretariat/", "/secretariat"}) {
            HttpResponse<String> r = arcadia.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("Signed in as arcadia-officer").doesNotContain("secretariat-placeholder");
        }
        HttpResponse<String> post = arcadia.post("/secretariat/", "anything", "x");
        assertThat(post.statusCode()).isEqualTo(404);
        PortalLogin.Session secretariat = PortalLogin.login(exchange, "secretariat");
        assertThat(secretariat.get("/state/").statusCode()).isEqualTo(404);
        assertThat(secretariat.get("/state/ARC/").statusCode()).isEqualTo(404);
    }

    @Test
    void logoutEndsTheSessionOnTheServerAndIsAudited() throws Exception {
        PortalLogin.Session s = PortalLogin.login(exchange, "borealia-officer");
        HttpResponse<String> out = s.post("/logout");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("/login?out=1");
        assertThat(PortalLogin.setCookieLine(out, SessionCookie.SESSION)).contains("Max-Age=0");
        // the old cookie, replayed, opens nothing: the session is gone from the database, not just from the browser
        HttpResponse<String> replay = s.get("/state/");
        assertThat(replay.statusCode()).isEqualTo(303);
        assertThat(replay.headers().firstValue("Location")).hasValue("/login?ended=1");
        assertThat(s.post("/logout").headers().firstValue("Location")).hasValue("/login");
        assertThat(PortalLogin.auditLines(exchange, "auth.logout", "borealia-officer", "portal")).hasSize(1);
        assertThat(PortalLogin.auditLines(exchange, "auth.success", "borealia-officer", "portal")).isNotEmpty();
    }

    @Test
    void theFirstLoginEnrolsTotpWithAQrCodeAndThenAsksForCodes() throws Exception {
        HttpClient http = PortalLogin.client(exchange);
        String base = exchange.portalUrl("");
        String pending = PortalLogin.passwordStep(http, base, NEWCOMER, NEWCOMER_PASSWORD);
        HttpResponse<String> page = PortalLogin.send(http, base, "GET", "/login/enrol", pending, null);
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("<code id=\"secret\">([A-Z2-7 ]+)</code>").matcher(page.body());
        assertThat(m.find()).isTrue();
        String secret = m.group(1).replace(" ", "");
        assertThat(PortalLogin.base32(secret)).hasSize(20);

        HttpResponse<String> svg = PortalLogin.send(http, base, "GET", "/login/enrol/qr.svg", pending, null);
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        assertThat(svg.headers().firstValue("Cache-Control")).hasValue("no-store");
        String uri = decodeQr(svg.body());
        assertThat(uri).startsWith("otpauth://totp/Treaty%20Exchange:" + NEWCOMER + "?secret=" + secret)
                .contains("algorithm=SHA1", "digits=6", "period=30");
        // without the pending session there is no QR code to see
        assertThat(PortalLogin.send(http, base, "GET", "/login/enrol/qr.svg", null, null).statusCode()).isEqualTo(404);

        PortalLogin.Person newcomer = new PortalLogin.Person(NEWCOMER, NEWCOMER_PASSWORD, secret);
        HttpResponse<String> confirmed = PortalLogin.send(http, base, "POST", "/login/code", pending,
                PortalLogin.form("csrf", PortalLogin.csrf(page.body()), "code", PortalLogin.freshCode(newcomer)));
        assertThat(confirmed.statusCode()).isEqualTo(303);
        assertThat(confirmed.headers().firstValue("Location")).hasValue("/state/");
        assertThat(PortalLogin.auditLines(exchange, "auth.totp-enrolled", NEWCOMER, "portal")).hasSize(1);

        // the next login asks for a code, no longer shows the secret
        String again = PortalLogin.passwordStep(http, base, NEWCOMER, NEWCOMER_PASSWORD);
        HttpResponse<String> enrolAgain = PortalLogin.send(http, base, "GET", "/login/enrol", again, null);
        assertThat(enrolAgain.statusCode()).isEqualTo(303);
        assertThat(PortalLogin.send(http, base, "GET", "/login/enrol/qr.svg", again, null).statusCode()).isEqualTo(404);
        PortalLogin.Session s = PortalLogin.login(exchange, http, newcomer, PortalLogin.freshCode(newcomer));
        assertThat(s.get("/login").headers().firstValue("Location")).hasValue("/state/");
    }

    @Test
    void aRegisteredClientCertificateStandsInForTheCode() throws Exception {
        Path demo = exchange.home().resolve("demo");
        HttpClient withOwn = withCertificate(demo.resolve("arcadia-officer-api.p12"));
        String base = exchange.portalUrl("");
        PortalLogin.Person p = PortalLogin.person(exchange, "arcadia-officer");
        HttpResponse<String> form = PortalLogin.send(withOwn, base, "GET", "/login", null, null);
        HttpResponse<String> r = withOwn.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", SessionCookie.LOGIN_FORM + "=" + PortalLogin.cookie(form, SessionCookie.LOGIN_FORM))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(PortalLogin.form("csrf", PortalLogin.csrf(form.body()), "account", p.account(),
                        "password", p.password()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/state/");
        assertThat(PortalLogin.auditLines(exchange, "auth.success", "arcadia-officer", "password+certificate")).isNotEmpty();

        // another account's certificate does not: the code is still asked for
        HttpClient withOther = withCertificate(demo.resolve("borealia-officer-api.p12"));
        String pending = PortalLogin.passwordStep(withOther, base, p.account(), p.password());
        assertThat(PortalLogin.send(withOther, base, "GET", "/login/code", pending, null).statusCode()).isEqualTo(200);
        assertThat(PortalLogin.send(withOther, base, "GET", "/state/", pending, null).headers().firstValue("Location"))
                .hasValue("/login?ended=1");
    }

    @Test
    void aPersonLogsInWithPasswordAndTotpInChromium() throws Exception {
        try (Browser browser = Browser.start()) {
            PortalLogin.Person p = PortalLogin.person(exchange, "sylvania-officer");
            browser.driver.get(exchange.portalUrl("/state/"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
            browser.screenshot("login");
            browser.driver.findElement(By.id("account")).sendKeys(p.account());
            browser.driver.findElement(By.id("password")).sendKeys(p.password() + "-wrong");
            browser.driver.findElement(By.id("login-submit")).click();
            PortalLogin.awaitElement(browser, "login-error", "the refusal of a wrong password");
            assertThat(browser.driver.findElement(By.id("login-error")).getText()).contains("not right");
            browser.screenshot("login-refused");
            browser.driver.findElement(By.id("password")).sendKeys(p.password());
            browser.driver.findElement(By.id("login-submit")).click();
            PortalLogin.awaitElement(browser, "code", "the second-factor page");
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login/code");
            browser.screenshot("login-code");
            browser.driver.findElement(By.id("code")).sendKeys(PortalLogin.freshCode(p));
            browser.driver.findElement(By.id("code-submit")).click();
            PortalLogin.awaitElement(browser, "signed-in-as", "the signed-in page");
            assertThat(browser.driver.findElement(By.id("signed-in-as")).getText()).contains("sylvania-officer");
            assertThat(browser.driver.manage().getCookieNamed(SessionCookie.SESSION).isHttpOnly()).isTrue();
            assertThat(browser.driver.manage().getCookieNamed(SessionCookie.SESSION).isSecure()).isTrue();
            assertThat(browser.driver.manage().getCookieNamed(SessionCookie.SESSION).getSameSite()).isEqualTo("Strict");
            browser.screenshot("signed-in");
            browser.driver.findElement(By.id("logout")).click();
            PortalLogin.awaitElement(browser, "login-notice", "the logged-out page");
            assertThat(browser.driver.findElement(By.id("login-notice")).getText()).contains("logged out");
            browser.screenshot("logged-out");
            browser.driver.get(exchange.portalUrl("/state/"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
        }
    }

    /** An HTTPS client presenting the PKCS#12 client certificate (the demo's, password "demo") and trusting the exchange's CA. */
    static HttpClient withCertificate(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "demo".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "demo".toCharArray());
        SSLContext trusting = PublicSiteTest.trusting(exchange.server().caCertificate());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(exchange.server().caCertificate())) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        assertThat(trusting).isNotNull();
        return HttpClient.newBuilder().sslContext(ctx).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Reads the QR code the server drew: the SVG's unit squares rasterised, then decoded by zxing. */
    static String decodeQr(String svg) throws Exception {
        Matcher box = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        assertThat(box.find()).isTrue();
        int w = Integer.parseInt(box.group(1));
        int h = Integer.parseInt(box.group(2));
        int scale = 4;
        int[] pixels = new int[w * scale * h * scale];
        java.util.Arrays.fill(pixels, 0xffffffff);
        Matcher sq = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
        while (sq.find()) {
            int x = Integer.parseInt(sq.group(1));
            int y = Integer.parseInt(sq.group(2));
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    pixels[(y * scale + dy) * w * scale + x * scale + dx] = 0xff000000;
                }
            }
        }
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w * scale, h * scale, pixels))))
                .getText();
    }

    static long now() {
        return PortalLogin.step(Instant.now());
    }
}
