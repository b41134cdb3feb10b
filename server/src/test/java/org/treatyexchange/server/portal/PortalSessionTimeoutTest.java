package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.MovableClock;
import org.treatyexchange.server.TestExchange;

/**
 * A portal session ends after 15 minutes without use and 8 hours after login however busy (the shipped
 * portal.sessionIdle and portal.sessionAbsolute), on the server's clock, which this test moves: the next
 * request goes back to the login page, which says why.
 */
class PortalSessionTimeoutTest {

    static final MovableClock CLOCK = new MovableClock();

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass().withClock(CLOCK);

    /** Logs in at the server's time: the code is computed for the moved clock. */
    static PortalLogin.Session login(String account) throws Exception {
        PortalLogin.Person p = PortalLogin.person(exchange, account);
        long step = PortalLogin.step(CLOCK.instant());
        PortalLogin.used(p, step);
        return PortalLogin.login(exchange, PortalLogin.client(exchange), p, PortalLogin.code(p.totpSecret(), step));
    }

    static boolean live(PortalLogin.Session s) throws Exception {
        HttpResponse<String> r = s.get("/secretariat/");
        if (r.statusCode() == 200) {
            return true;
        }
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/login?ended=1");
        return false;
    }

    @Test
    void aSessionUnusedForFifteenMinutesEndsAndTheLoginSaysWhy() throws Exception {
        PortalLogin.Session s = login("secretariat");
        CLOCK.advance(Duration.ofMinutes(14));
        assertThat(live(s)).as("used after 14 minutes").isTrue();
        CLOCK.advance(Duration.ofMinutes(14));
        assertThat(live(s)).as("used again 14 minutes later: each use restarts the idle time").isTrue();
        CLOCK.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertThat(live(s)).as("15 minutes without use").isFalse();
        assertThat(live(s)).as("ended for good").isFalse();

        HttpClient http = PortalLogin.client(exchange);
        HttpResponse<String> page = PortalLogin.send(http, exchange.portalUrl(""), "GET", "/login?ended=1", null, null);
        assertThat(page.body()).contains("Your session has ended");
        assertThat(PortalLogin.auditLines(exchange, "session.closed", "secretariat", "idle-timeout")).isNotEmpty();
        CLOCK.advance(Duration.ofMinutes(1)); // the next test's code must be of a later step than this one's
    }

    @Test
    void aSessionEndsEightHoursAfterLoginHoweverBusy() throws Exception {
        PortalLogin.Session s = login("secretariat");
        for (int minutes = 10; minutes < 8 * 60; minutes += 10) {
            CLOCK.advance(Duration.ofMinutes(10));
            assertThat(live(s)).as("after %d minutes", minutes).isTrue();
        }
        CLOCK.advance(Duration.ofMinutes(10)); // 8 h 0 min after login
        assertThat(live(s)).as("8 hours after login").isFalse();
        assertThat(PortalLogin.auditLines(exchange, "session.closed", "secretariat", "absolute-timeout")).isNotEmpty();
        CLOCK.advance(Duration.ofMinutes(1));
    }
}
