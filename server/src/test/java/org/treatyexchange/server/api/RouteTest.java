package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.treatyexchange.server.api.Route.Endpoint;

/**
 * Which path reaches which endpoint of {@code /api/v1}, matched on the raw path: only the exact paths, ids
 * of the filing-id alphabet and sequence numbers of 1 to 18 digits; nothing that decoding, normalising or a
 * lookalike would turn into another endpoint. And which endpoints only the secretariat may call.
 */
class RouteTest {

    static final String ID = "20261123T031611042Z-7KQ2M9XW4D";

    static Route get(String uri) {
        return Route.match(HttpMethod.GET, uri);
    }

    static Route post(String uri) {
        return Route.match(HttpMethod.POST, uri);
    }

    @Test
    void eachFixedPathReachesItsEndpointWithItsMethod() {
        assertThat(post("/api/v1/messages")).isEqualTo(new Route(Endpoint.SUBMIT_MESSAGE, -1, true, null));
        assertThat(get("/api/v1/inbox")).isEqualTo(new Route(Endpoint.INBOX, -1, true, null));
        assertThat(post("/api/v1/secretariat/messages")).isEqualTo(new Route(Endpoint.SECRETARIAT_MESSAGE, -1, true, null));
        assertThat(get("/api/v1/secretariat/pending")).isEqualTo(new Route(Endpoint.PENDING, -1, true, null));
        assertThat(get("/api/v1/contacts")).isEqualTo(new Route(Endpoint.CONTACTS, -1, true, null));
        assertThat(get("/api/v1/instructions")).isEqualTo(new Route(Endpoint.INSTRUCTIONS, -1, true, null));
        assertThat(get("/api/v1/secretariat/status?year=2026")).isEqualTo(new Route(Endpoint.STATUS, -1, true, null));
        assertThat(get("/api/v1/openapi.yaml")).isEqualTo(new Route(Endpoint.OPENAPI, -1, true, null));
    }

    @Test
    void theWrongMethodFindsTheEndpointButIsNotAllowed() {
        assertThat(get("/api/v1/messages")).isEqualTo(new Route(Endpoint.SUBMIT_MESSAGE, -1, false, null));
        assertThat(Route.match(HttpMethod.DELETE, "/api/v1/inbox/7")).isEqualTo(new Route(Endpoint.INBOX_ITEM, 7, false, null));
    }

    @Test
    void inboxItemsAndAcknowledgementsCarryTheirSequenceNumber() {
        assertThat(get("/api/v1/inbox/42")).isEqualTo(new Route(Endpoint.INBOX_ITEM, 42, true, null));
        assertThat(post("/api/v1/inbox/42/ack")).isEqualTo(new Route(Endpoint.ACKNOWLEDGE, 42, true, null));
        assertThat(get("/api/v1/inbox/0")).isEqualTo(new Route(Endpoint.INBOX_ITEM, 0, true, null));
        assertThat(get("/api/v1/inbox/" + "9".repeat(18)).seq()).isEqualTo(999_999_999_999_999_999L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/inbox/", "/api/v1/inbox/-1", "/api/v1/inbox/1a", "/api/v1/inbox/%31", "/api/v1/inbox/1/",
        "/api/v1/inbox/1/ack/", "/api/v1/inbox//ack", "/api/v1/inbox/ 1", "/api/v1/inbox/1234567890123456789",
        "/api/v1/inbox/:", "/api/v1/inbox//"})
    void aSequenceNumberThatIsNotOneToEighteenDigitsReachesNothing(String uri) {
        assertThat(get(uri)).isEqualTo(new Route(null, -1, false, null));
    }

    @Test
    void theSecretariatsActionsOnAFilingCarryItsId() {
        assertThat(post("/api/v1/secretariat/filings/" + ID + "/release")).isEqualTo(new Route(Endpoint.RELEASE, -1, true, ID));
        assertThat(post("/api/v1/secretariat/filings/" + ID + "/hold")).isEqualTo(new Route(Endpoint.HOLD, -1, true, ID));
        assertThat(post("/api/v1/filings/" + ID + "/withdraw")).isEqualTo(new Route(Endpoint.WITHDRAW, -1, true, ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/secretariat/filings/" + ID, "/api/v1/secretariat/filings/" + ID + "/",
        "/api/v1/secretariat/filings/" + ID + "/publish", "/api/v1/secretariat/filings/" + ID + "/release/x",
        "/api/v1/secretariat/filings/../filings/" + ID + "/release", "/api/v1/secretariat/filings/20261123T031611042Z-7KQ2M9XW4I/release",
        "/api/v1/secretariat/filings/" + ID + "%2Frelease", "/api/v1/filings/" + ID, "/api/v1/filings/" + ID + "/withdraw/",
        "/api/v1/filings/x" + ID + "/withdraw", "/api/v1/filings//withdraw", "/api/v1/secretariat/filings/",
        "/api/v1/secretariat/filings/release"})
    void aFilingPathWithAnythingElseReachesNothing(String uri) {
        assertThat(post(uri)).isEqualTo(new Route(null, -1, false, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/messages/", "/api/v1/Messages", "/api/v1//messages", "/api/v1/./messages", "/api/v2/messages",
        "/api/v1", "/api/v1/", "//api/v1/messages", "/api/v1/messages%00", "/api/v1/secretariat/../messages", "api/v1/messages",
        "/api/v1/inbox/../secretariat/pending", "/api/v1/contacts.json"})
    void aLookalikePathReachesNothing(String uri) {
        assertThat(post(uri).endpoint()).isNull();
        assertThat(get(uri).endpoint()).isNull();
    }

    @Test
    void theQueryIsNotPartOfThePath() {
        assertThat(get("/api/v1/inbox?after=3&limit=10").endpoint()).isEqualTo(Endpoint.INBOX);
        assertThat(get("/api/v1/inbox/5?x=1").seq()).isEqualTo(5);
        assertThat(get("/api/v1/in?box").endpoint()).isNull();
    }

    @Test
    void onlyTheSecretariatsEndpointsAreForTheSecretariatOnly() {
        Set<Endpoint> secretariat = Arrays.stream(Endpoint.values()).filter(e -> e.secretariatOnly).collect(Collectors.toSet());
        assertThat(secretariat).isEqualTo(EnumSet.of(Endpoint.SECRETARIAT_MESSAGE, Endpoint.PENDING, Endpoint.RELEASE, Endpoint.HOLD,
                Endpoint.STATUS));
    }
}
