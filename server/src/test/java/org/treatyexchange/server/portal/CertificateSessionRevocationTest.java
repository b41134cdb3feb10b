package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.application.Caller;

/**
 * A portal session whose second factor was a client certificate ends with the certificate's revocation, from the next
 * request on, while sessions whose second factor was a TOTP code go on: Arcadia's administrator loses the laptop that holds
 * its certificate, and revokes that certificate from another session (password and TOTP) through its accounts page. Real
 * server on port 0, over HTTPS with the demo's client certificate.
 */
class CertificateSessionRevocationTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> {
        try {
            Path dir = Files.createTempDirectory("certificate-session-");
            return TestExchange.withRegistry(c, TestExchange.copyShippedRegistry(dir.resolve("registry.yaml")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    });

    /** An HTTPS client that presents the demo's PKCS#12 key and certificate and trusts the server's CA. */
    static HttpClient withCertificate(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "demo".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "demo".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(exchange.server().caCertificate())) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void aSessionWhoseSecondFactorWasACertificateEndsWithItsRevocationWhileTotpSessionsGoOn() throws Exception {
        exchange.server().delegatedAdministration().grantStateAdministrator(Caller.operator(), "arcadia-officer");
        String base = exchange.portalUrl("");
        String fingerprint = exchange.server().registry().current().account("arcadia-officer").orElseThrow().certificates().get(0)
                .fingerprint();

        // the laptop: password, and the registered certificate instead of a code
        HttpClient laptop = withCertificate(exchange.home().resolve("demo/arcadia-officer-api.p12"));
        PortalLogin.Person arcadia = PortalLogin.person(exchange, "arcadia-officer");
        HttpResponse<String> form = PortalLogin.send(laptop, base, "GET", "/login", null, null);
        HttpResponse<String> signedIn = laptop.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", SessionCookie.LOGIN_FORM + "=" + PortalLogin.cookie(form, SessionCookie.LOGIN_FORM))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(PortalLogin.form("csrf", PortalLogin.csrf(form.body()), "account",
                        arcadia.account(), "password", arcadia.password()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/state/");
        String laptopSession = PortalLogin.cookie(signedIn, SessionCookie.SESSION);
        assertThat(PortalLogin.send(laptop, base, "GET", "/state/", laptopSession, null).statusCode()).isEqualTo(200);
        assertThat(PortalLogin.auditLines(exchange, "auth.success", "arcadia-officer", "password+certificate")).isNotEmpty();

        // the same person on another device with password and TOTP, and another State's officer with password and TOTP
        PortalLogin.Session phone = PortalLogin.login(exchange, "arcadia-officer");
        PortalLogin.Session sylvania = PortalLogin.login(exchange, "sylvania-officer");
        assertThat(sylvania.get("/state/").statusCode()).isEqualTo(200);

        // the laptop is lost: its certificate is revoked from the phone, through the State administrator's page
        HttpResponse<String> revoked = phone.post("/state/accounts/revoke-certificate", "account", "arcadia-officer", "fingerprint",
                fingerprint);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.body()).contains("data-status=\"applied\"");
        assertThat(exchange.server().registry().current().account("arcadia-officer").orElseThrow().hasActiveCertificate(fingerprint))
                .isFalse();

        // the laptop's next request, with the same session cookie, is sent back to the login: the session has ended
        HttpResponse<String> after = PortalLogin.send(laptop, base, "GET", "/state/", laptopSession, null);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).hasValue("/login?ended=1");
        assertThat(PortalLogin.send(laptop, base, "GET", "/state/filings", laptopSession, null).headers().firstValue("Location"))
                .hasValue("/login?ended=1");
        assertThat(PortalLogin.auditLines(exchange, "session.closed", "arcadia-officer", "certificate-revoked")).hasSize(1);
        // the certificate no longer stands in for the code: a new login from the laptop is asked for one
        String pending = PortalLogin.passwordStep(laptop, base, arcadia.account(), arcadia.password());
        assertThat(PortalLogin.send(laptop, base, "GET", "/state/", pending, null).headers().firstValue("Location"))
                .hasValue("/login?ended=1");

        // sessions whose second factor was a code go on: the same person's, and another account's
        assertThat(phone.get("/state/").statusCode()).isEqualTo(200);
        assertThat(phone.get("/state/accounts").statusCode()).isEqualTo(200);
        assertThat(sylvania.get("/state/").statusCode()).isEqualTo(200);
    }
}
