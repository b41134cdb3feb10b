package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * Credential stuffing on the portal meets the lockout SSH has: a wrong password, a wrong code and a
 * reused code are each refused, audited with their reason (never the password or the code) and counted;
 * after {@value #MAX_FAILURES} the account is locked out on the portal and on SSH, even with the right
 * password, code and key.
 */
class PortalLockoutTest {

    static final int MAX_FAILURES = 3;
    static final String ACCOUNT = "borealia-officer";

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c.withSftp(c.sftp()
            .withLockout(new ServerConfig.Lockout(MAX_FAILURES, Duration.ofHours(1), Duration.ofHours(1)))));

    @Test
    void wrongPasswordWrongCodeAndReusedCodeAreRefusedCountedAndLockTheAccountOnThePortalAndOnSsh() throws Exception {
        HttpClient http = PortalLogin.client(exchange);
        String base = exchange.portalUrl("");
        PortalLogin.Person p = PortalLogin.person(exchange, ACCOUNT);

        // a good login first: its code is spent
        String used = PortalLogin.freshCode(p);
        PortalLogin.Session s = PortalLogin.login(exchange, http, p, used);
        assertThat(s.post("/logout").statusCode()).isEqualTo(303);

        // 1: wrong password
        HttpResponse<String> form = PortalLogin.send(http, base, "GET", "/login", null, null);
        HttpResponse<String> wrong = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login"))
                .header("Cookie", SessionCookie.LOGIN_FORM + "=" + PortalLogin.cookie(form, SessionCookie.LOGIN_FORM))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(PortalLogin.form("csrf", PortalLogin.csrf(form.body()),
                        "account", ACCOUNT, "password", p.password() + "x"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("The account name or the password is not right.");

        // 2: right password, wrong code (one that is no code of the window)
        String pending = PortalLogin.passwordStep(http, base, ACCOUNT, p.password());
        long now = PortalLogin.step(Instant.now());
        String bad = "000000";
        while (bad.equals(PortalLogin.code(p.totpSecret(), now - 1)) || bad.equals(PortalLogin.code(p.totpSecret(), now))
                || bad.equals(PortalLogin.code(p.totpSecret(), now + 1))) {
            bad = String.format("%06d", (Integer.parseInt(bad) + 1));
        }
        HttpResponse<String> codePage = PortalLogin.send(http, base, "GET", "/login/code", pending, null);
        HttpResponse<String> wrongCode = PortalLogin.send(http, base, "POST", "/login/code", pending,
                PortalLogin.form("csrf", PortalLogin.csrf(codePage.body()), "code", bad));
        assertThat(wrongCode.statusCode()).isEqualTo(403);
        assertThat(wrongCode.body()).contains("The code is not right, or it was used already.");

        // 3: right password, the code already used: refused, and this third failure locks the account out
        pending = PortalLogin.passwordStep(http, base, ACCOUNT, p.password());
        codePage = PortalLogin.send(http, base, "GET", "/login/code", pending, null);
        HttpResponse<String> reused = PortalLogin.send(http, base, "POST", "/login/code", pending,
                PortalLogin.form("csrf", PortalLogin.csrf(codePage.body()), "code", used));
        assertThat(reused.statusCode()).isEqualTo(429);
        assertThat(reused.body()).contains("Too many failed attempts.");

        // locked: the right password is refused on the portal...
        form = PortalLogin.send(http, base, "GET", "/login", null, null);
        HttpResponse<String> locked = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login"))
                .header("Cookie", SessionCookie.LOGIN_FORM + "=" + PortalLogin.cookie(form, SessionCookie.LOGIN_FORM))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(PortalLogin.form("csrf", PortalLogin.csrf(form.body()),
                        "account", ACCOUNT, "password", p.password()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(SessionCookie.SESSION + "=") && !c.contains("Max-Age=0"));

        // ...and the right key on SSH, from another source address: the account itself is locked, on every channel
        assertThatThrownBy(() -> exchange.login(ACCOUNT, exchange.keyPair(ACCOUNT), "127.0.0.93").close())
                .isInstanceOf(java.io.IOException.class);
        // another account from that address still logs in over SSH: it is this account's lockout, not a broken server
        exchange.login("arcadia-officer", exchange.keyPair("arcadia-officer"), "127.0.0.93").close();

        assertThat(PortalLogin.auditLines(exchange, "auth.failure", ACCOUNT, "portal")).anyMatch(l -> l.contains("wrong-password"))
                .anyMatch(l -> l.contains("wrong-code")).anyMatch(l -> l.contains("reused-code")).anyMatch(l -> l.contains("locked-out"))
                .noneMatch(l -> l.contains(p.password())).noneMatch(l -> l.contains("\\\"" + used + "\\\""));
        assertThat(PortalLogin.auditLines(exchange, "auth.lockout", ACCOUNT)).isNotEmpty();
    }
}
