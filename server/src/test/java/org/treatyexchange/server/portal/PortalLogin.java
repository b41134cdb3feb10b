package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openqa.selenium.By;
import org.treatyexchange.server.TestExchange;

/**
 * Logs a demo person in to the portal the way a person does — account name and password from the
 * server's {@code demo/accounts.json}, then a TOTP code computed here (RFC 6238, independently of the
 * server's code) — over HTTPS ({@link #login}) or in a real browser ({@link #loginInBrowser}). Codes are
 * usable once, so two logins of one account within 30 seconds take the next step's code (still inside the
 * server's ±1 window), waiting for the clock when even that one was used.
 */
public final class PortalLogin {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    /**
     * The last step whose code this JVM sent, per TOTP secret (the server refuses it and every earlier one).
     * By secret, not account name: every test server generates its own secrets.
     */
    private static final Map<String, Long> LAST_STEP = new ConcurrentHashMap<>();

    private PortalLogin() {
    }

    /** A demo person as {@code demo/accounts.json} lists them. */
    public record Person(String account, String password, String totpSecret) {
    }

    public static Person person(TestExchange exchange, String account) throws IOException {
        JsonNode root = new ObjectMapper().readTree(exchange.home().resolve("demo").resolve("accounts.json").toFile());
        for (JsonNode a : root.path("accounts")) {
            if (a.path("name").asText().equals(account) && a.hasNonNull("portalPassword")) {
                return new Person(account, a.path("portalPassword").asText(), a.path("totpSecret").asText());
            }
        }
        throw new AssertionError("demo/accounts.json lists no portal password for " + account);
    }

    /** The RFC 6238 code (HMAC-SHA-1, 6 digits, 30 s) of {@code base32Secret} at time step {@code step}. */
    public static String code(String base32Secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(base32(base32Secret), "HmacSHA1"));
            byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
            int o = h[19] & 0xf;
            int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
            return String.format("%06d", bin % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long step(Instant at) {
        return at.getEpochSecond() / 30;
    }

    /**
     * A code of {@code person} that this JVM has not sent yet: the current step's, else the next one's (the
     * server accepts ±1 step), else waits for the clock (at most two steps). Uses the system clock: the
     * server's must be it too.
     */
    public static String freshCode(Person person) {
        Instant giveUp = Instant.now().plusSeconds(75);
        while (true) {
            long now = step(Instant.now());
            long last = LAST_STEP.getOrDefault(person.totpSecret(), Long.MIN_VALUE);
            long use = Math.max(now, last + 1);
            if (use <= now + 1) {
                LAST_STEP.put(person.totpSecret(), use);
                return code(person.totpSecret(), use);
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("no unused TOTP step for " + person.account() + " (last sent " + last + ", now " + now + ")");
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Notes that a code of {@code step} was sent for {@code person} outside {@link #freshCode} (a test that made its own). */
    public static void used(Person person, long step) {
        LAST_STEP.merge(person.totpSecret(), step, Math::max);
    }

    /** A signed-in HTTPS session: its cookie and anti-forgery token, and requests that carry them. */
    public record Session(HttpClient http, String baseUrl, String sessionId, String csrf) {

        public HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Cookie", SessionCookie.SESSION + "=" + sessionId)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        /** POSTs a url-encoded form with this session's {@code csrf} field added. */
        public HttpResponse<String> post(String path, String... fieldsAndValues) throws IOException, InterruptedException {
            String[] all = java.util.Arrays.copyOf(fieldsAndValues, fieldsAndValues.length + 2);
            all[all.length - 2] = "csrf";
            all[all.length - 1] = csrf;
            return postWithout(path, all);
        }

        /** POSTs a url-encoded form exactly as given (no token added: for the tests that forge one). */
        public HttpResponse<String> postWithout(String path, String... fieldsAndValues) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Cookie", SessionCookie.SESSION + "=" + sessionId)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(fieldsAndValues))).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** An HTTPS client that trusts the exchange's CA, keeps no cookies and follows no redirect. */
    public static HttpClient client(TestExchange exchange) throws Exception {
        return HttpClient.newBuilder().sslContext(PublicSiteTest.trusting(exchange.server().caCertificate()))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Logs the demo person {@code account} in over HTTPS with password and TOTP; fails the test if that does not work. */
    public static Session login(TestExchange exchange, String account) throws Exception {
        Person p = person(exchange, account);
        return login(exchange, client(exchange), p, freshCode(p));
    }

    /** Logs {@code person} in with {@code code}; fails the test unless that ends signed in. */
    public static Session login(TestExchange exchange, HttpClient http, Person person, String code) throws Exception {
        String base = exchange.portalUrl("");
        String pending = passwordStep(http, base, person.account(), person.password());
        HttpResponse<String> codePage = send(http, base, "GET", "/login/code", pending, null);
        assertThat(codePage.statusCode()).as("the code page").isEqualTo(200);
        HttpResponse<String> signedIn = send(http, base, "POST", "/login/code", pending, form("csrf", csrf(codePage.body()), "code", code));
        assertThat(signedIn.statusCode()).as("the code step of " + person.account()).isEqualTo(303);
        String session = cookie(signedIn, SessionCookie.SESSION);
        HttpResponse<String> home = send(http, base, "GET", signedIn.headers().firstValue("Location").orElseThrow(), session, null);
        String token = csrf(home.body());
        return new Session(http, base, session, token);
    }

    /** The password step: returns the pending session's id (set by the 303 to the code or enrolment page). */
    public static String passwordStep(HttpClient http, String base, String account, String password) throws Exception {
        HttpResponse<String> form = send(http, base, "GET", "/login", null, null);
        String loginCookie = cookie(form, SessionCookie.LOGIN_FORM);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", SessionCookie.LOGIN_FORM + "=" + loginCookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("csrf", csrf(form.body()), "account", account, "password", password))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("the password step of " + account).isEqualTo(303);
        return cookie(r, SessionCookie.SESSION);
    }

    /** A request with an optional session cookie and url-encoded body. */
    public static HttpResponse<String> send(HttpClient http, String base, String method, String path, String sessionId, String form)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("https:") ? path : base + path));
        if (sessionId != null) {
            b.header("Cookie", SessionCookie.SESSION + "=" + sessionId);
        }
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value the response sets for cookie {@code name}; fails the test when it sets none. */
    public static String cookie(HttpResponse<?> r, String name) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(name + "=")) {
                return c.substring(name.length() + 1, c.indexOf(';'));
            }
        }
        throw new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie"));
    }

    /** The whole {@code Set-Cookie} line for {@code name}. */
    public static String setCookieLine(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name));
    }

    /** The page's first anti-forgery token. */
    public static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a csrf field in the page").isTrue();
        return m.group(1);
    }

    public static String form(String... fieldsAndValues) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fieldsAndValues.length; i += 2) {
            f.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        StringBuilder b = new StringBuilder();
        f.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    /** Logs the demo person in with the browser's own forms (password, then a TOTP code computed here). */
    public static void loginInBrowser(Browser browser, TestExchange exchange, String account) throws IOException {
        Person p = person(exchange, account);
        browser.driver.get(exchange.portalUrl("/login"));
        browser.driver.findElement(By.id("account")).sendKeys(p.account());
        browser.driver.findElement(By.id("password")).sendKeys(p.password());
        browser.driver.findElement(By.id("login-submit")).click();
        // a click returns when the browser has sent the form, not always after the next page has loaded
        awaitElement(browser, "code", "the second-factor page after " + account + "'s password");
        browser.driver.findElement(By.id("code")).sendKeys(freshCode(p));
        browser.driver.findElement(By.id("code-submit")).click();
        awaitElement(browser, "logout", "signed in as " + account);
    }

    /** Waits (15 s at most) for the element {@code id} on the browser's page; fails naming {@code what} and the page's text. */
    static void awaitElement(Browser browser, String id, String what) throws IOException {
        Instant giveUp = Instant.now().plusSeconds(15);
        while (browser.driver.findElements(By.id(id)).isEmpty() && Instant.now().isBefore(giveUp)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        assertThat(browser.driver.findElements(By.id(id))).as(what + "; the page: "
                + browser.driver.findElement(By.tagName("main")).getText()).isNotEmpty();
    }

    static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String t = s.replace(" ", "").replace("=", "").toUpperCase(java.util.Locale.ROOT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : t.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** The audit export's lines of event type {@code type} (prefix) that contain every one of {@code containing}. */
    public static List<String> auditLines(TestExchange exchange, String type, String... containing) throws IOException {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("portal-audit-", ".jsonl");
        try {
            java.nio.file.Files.delete(out);
            assertThat(exchange.admin("export-audit", "-o", out.toString())).startsWith("0\n");
            return java.nio.file.Files.readAllLines(out).stream().filter(l -> l.contains("\"type\":\"" + type))
                    .filter(l -> java.util.Arrays.stream(containing).allMatch(l::contains)).toList();
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    static List<String> accounts() {
        return List.of("arcadia-officer", "borealia-officer", "sylvania-officer", "calvera-officer", "secretariat");
    }
}
