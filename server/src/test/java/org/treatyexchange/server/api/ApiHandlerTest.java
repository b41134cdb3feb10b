package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.api.Embedded.responses;
import static org.treatyexchange.server.api.Embedded.send;
import static org.treatyexchange.server.api.Embedded.single;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.api.Embedded.Response;
import org.treatyexchange.server.application.Refusal.Reason;

/** The HTTP handlers without TLS, in an EmbeddedChannel: limits, timeouts, backpressure and problem mapping. */
class ApiHandlerTest {

    static final Executor DIRECT = Runnable::run;
    static final ObjectMapper JSON = new ObjectMapper();
    static X509Certificate registered;
    static X509Certificate stranger;

    TestGateway gateway = new TestGateway();
    AtomicLong nanos = new AtomicLong();

    @BeforeAll
    static void certificates() throws Exception {
        registered = TestPki.client("registered").certificate();
        stranger = TestPki.client("stranger").certificate();
    }

    static ApiSettings settings(int maxHeaderBytes, int maxEnvelope, int maxDocuments, long maxDocumentBytes, int perMinute) {
        return new ApiSettings("127.0.0.1", 0, maxHeaderBytes, maxEnvelope, maxDocuments, maxDocumentBytes, perMinute,
                Duration.ofSeconds(60), Duration.ofSeconds(5), 2, ApiSettings.DEFAULT_PROTOCOLS, ApiSettings.DEFAULT_CIPHER_SUITES);
    }

    static final ApiSettings DEFAULTS = settings(8192, 1024, 3, 1 << 20, 1000);

    EmbeddedChannel channel(ApiSettings s, Executor e) {
        gateway.register(registered, "fr-api", "FRA", false);
        return Embedded.channel(s, new RateLimiter(s.requestsPerMinutePerClient(), nanos::get, 100), gateway, e, registered);
    }

    EmbeddedChannel channel() {
        return channel(DEFAULTS, DIRECT);
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    static String post(String path, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + body;
    }

    static final String B = "XbOuNdArY";

    static String multipart(String envelope, String... docs) {
        StringBuilder b = new StringBuilder("--" + B + "\r\nContent-Disposition: form-data; name=\"envelope\"; filename=\"e.p7s\"\r\n"
                + "Content-Type: application/pkcs7-mime\r\n\r\n" + envelope + "\r\n");
        for (int i = 0; i < docs.length; i++) {
            b.append("--" + B + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"doc" + i + ".pdf\"\r\n\r\n")
                    .append(docs[i]).append("\r\n");
        }
        return b.append("--" + B + "--\r\n").toString();
    }

    static String postMultipart(String body) {
        return post("/api/v1/messages", "multipart/form-data; boundary=" + B, body);
    }

    static JsonNode problem(Response r) throws Exception {
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("status").asInt()).isEqualTo(r.status());
        assertThat(p.get("instance").asText()).isEqualTo("urn:treaty-exchange:request:" + r.header("x-request-id"));
        return p;
    }

    static String type(Response r) throws Exception {
        return problem(r).get("type").asText().replace("urn:treaty-exchange:problem:", "");
    }

    @Test
    void multipartMessageIsStreamedIntoTheIntake() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, postMultipart(multipart("ENV-1", "first\r\ndocument", "second")));
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/pkcs7-mime");
        assertThat(r.text()).isEqualTo("RECEIPT:ENV-1:doc0.pdf,doc1.pdf");
        assertThat(new String(gateway.lastIntake().bytesOf("doc0.pdf"), StandardCharsets.UTF_8)).isEqualTo("first\r\ndocument");
        assertThat(gateway.lastIntake().closes).isPositive();
        assertThat(ch.isOpen()).isTrue(); // keep-alive: the body was read to its end
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
        EmbeddedChannel ch = channel();
        send(ch, get("/api/v1/inbox/7") + get("/api/v1/inbox?after=0&limit=1") + "POST /api/v1/inbox/5/ack HTTP/1.1\r\nHost: x\r\n\r\n");
        List<Response> rs = responses(ch);
        assertThat(rs).extracting(Response::status).containsExactly(200, 200, 204);
        assertThat(rs.get(0).text()).isEqualTo("ITEM-7-FOR-fr-api");
        assertThat(rs.get(1).text()).isEqualTo("{\"entries\":[{\"seq\":5,\"kind\":\"receipt\",\"id\":\"m-5\","
                + "\"title\":\"Receipt for \\\"annual\\\" report\",\"createdAt\":\"2026-05-30T10:00:00Z\"}]}");
        assertThat(gateway.acknowledged).containsExactly(5L);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void headersOverTheLimitGet431AndTheConnectionCloses() throws Exception {
        EmbeddedChannel ch = channel(settings(1024, 1024, 3, 1 << 20, 1000), DIRECT);
        send(ch, "GET /api/v1/inbox HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(431);
        assertThat(type(r)).isEqualTo("header-too-large");
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(ch.isOpen()).isFalse();
        assertThat(gateway.identifyCalls).hasValue(0);
    }

    @Test
    void requestLineOverTheLimitGet414() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, get("/api/v1/inbox?x=" + "a".repeat(5000)));
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(414);
        assertThat(type(r)).isEqualTo("uri-too-long");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void garbageGets400AndClose() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, "\u0001\u0002 nonsense\r\n\r\n");
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(400);
        assertThat(type(r)).isEqualTo("malformed");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void rateLimitGives429WithRetryAfterAndRefills() throws Exception {
        ApiSettings s = settings(8192, 1024, 3, 1 << 20, 2);
        RateLimiter limiter = new RateLimiter(2, nanos::get, 100);
        gateway.register(registered, "fr-api", "FRA", false);
        EmbeddedChannel ch = Embedded.channel(s, limiter, gateway, DIRECT, registered);
        send(ch, get("/api/v1/inbox/7") + get("/api/v1/inbox/7") + get("/api/v1/inbox/7"));
        List<Response> rs = responses(ch);
        assertThat(rs).extracting(Response::status).containsExactly(200, 200, 429);
        assertThat(rs.get(2).header("retry-after")).isEqualTo("30");
        assertThat(type(rs.get(2))).isEqualTo("rate-limited");
        assertThat(ch.isOpen()).isFalse();
        assertThat(gateway.identifyCalls).hasValue(2);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(30));
        EmbeddedChannel again = Embedded.channel(s, limiter, gateway, DIRECT, registered);
        send(again, get("/api/v1/inbox/7") + get("/api/v1/inbox/7"));
        assertThat(responses(again)).extracting(Response::status).containsExactly(200, 429);
    }

    @Test
    void rejectedByTheExecutorGives503() throws Exception {
        EmbeddedChannel ch = channel(DEFAULTS, r -> {
            throw new RejectedExecutionException("full");
        });
        send(ch, get("/api/v1/inbox"));
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(503);
        assertThat(type(r)).isEqualTo("unavailable");
        assertThat(gateway.identifyCalls).hasValue(0);
    }

    @Test
    void aFullBoundedThreadPoolGives503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        TestGateway blocking = new TestGateway() {
            @Override
            public java.util.Optional<org.treatyexchange.server.application.Caller> identify(X509Certificate c, String source) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.identify(c, source);
            }
        };
        blocking.register(registered, "fr-api", "FRA", false);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), new ThreadPoolExecutor.AbortPolicy());
        try {
            RateLimiter limiter = new RateLimiter(1000, nanos::get, 100);
            EmbeddedChannel busy = Embedded.channel(DEFAULTS, limiter, blocking, pool, registered);
            send(busy, get("/api/v1/inbox"));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            EmbeddedChannel queued = Embedded.channel(DEFAULTS, limiter, blocking, pool, registered);
            send(queued, get("/api/v1/inbox"));
            EmbeddedChannel refused = Embedded.channel(DEFAULTS, limiter, blocking, pool, registered);
            send(refused, get("/api/v1/inbox"));
            Response r = single(refused);
            assertThat(r.status()).isEqualTo(503);
            assertThat(type(r)).isEqualTo("unavailable");
            assertThat(busy.outboundMessages()).isEmpty();
        } finally {
            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unknownClientGets403BeforeTheBodyIsRead() throws Exception {
        EmbeddedChannel ch = Embedded.channel(DEFAULTS, new RateLimiter(1000, nanos::get, 100), gateway, DIRECT, stranger);
        send(ch, postMultipart(multipart("ENV", "doc")));
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(403);
        assertThat(type(r)).isEqualTo("unknown-client");
        assertThat(gateway.intakes).isEmpty();
        assertThat(ch.isOpen()).isFalse(); // its body was never read
    }

    @Test
    void expectContinueIsAnsweredOnlyForKnownClients() throws Exception {
        String head = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: multipart/form-data; boundary="
                + B + "\r\nContent-Length: " + multipart("ENV", "doc").length() + "\r\n\r\n";
        EmbeddedChannel ch = channel();
        send(ch, head);
        assertThat(single(ch).status()).isEqualTo(100);
        send(ch, multipart("ENV", "doc"));
        assertThat(single(ch).status()).isEqualTo(200);

        EmbeddedChannel strangerCh = Embedded.channel(DEFAULTS, new RateLimiter(1000, nanos::get, 100), gateway, DIRECT, stranger);
        send(strangerCh, head);
        assertThat(responses(strangerCh)).extracting(Response::status).containsExactly(403);
    }

    @Test
    void notFoundMethodNotAllowedAndUnsupportedMediaType() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, get("/api/v1/inbox/abc") + get("/api/v1/inbox/%37") + get("/api/v2/inbox") + get("/api/v1/messages"));
        List<Response> rs = responses(ch);
        assertThat(rs).extracting(Response::status).containsExactly(404, 404, 404, 405);
        assertThat(type(rs.get(0))).isEqualTo("not-found");
        assertThat(rs.get(3).header("allow")).isEqualTo("POST");
        assertThat(type(rs.get(3))).isEqualTo("method-not-allowed");

        EmbeddedChannel ch2 = channel();
        send(ch2, post("/api/v1/messages", "text/plain", "hello"));
        Response r = single(ch2);
        assertThat(r.status()).isEqualTo(415);
        assertThat(type(r)).isEqualTo("unsupported-media-type");
    }

    @Test
    void internalErrorsShowAFixedDetailAndTheRequestId() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, post("/api/v1/messages", "application/pkcs7-mime", "BOOM"));
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(500);
        JsonNode p = problem(r);
        assertThat(p.get("type").asText()).isEqualTo("urn:treaty-exchange:problem:internal");
        assertThat(p.get("detail").asText()).isEqualTo(Problem.INTERNAL_DETAIL);
        assertThat(r.text()).doesNotContain("secret internal").doesNotContain("/var/lib").doesNotContain("Exception");
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyReasonMapsToItsStatusAndType(Reason reason) throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, post("/api/v1/messages", "application/pkcs7-mime", "FAIL:" + reason.name()));
        Response r = single(ch);
        Problem expected = Problem.of(reason);
        assertThat(r.status()).isEqualTo(expected.status.code());
        assertThat(type(r)).isEqualTo(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        assertThat(problem(r).get("detail").asText()).isEqualTo("refused by the test gateway");
    }

    @Test
    void theMappingTableIsTheOneInTheContract() {
        assertThat(List.of(Reason.values())).extracting(x -> Problem.of(x).status.code() + " " + Problem.of(x).slug).containsExactly(
                "400 invalid-name", "400 unknown-report-type", "400 invalid-period", "400 invalid-routing", "400 invalid-content",
                "400 malformed", "400 bad-signature", "403 unknown-signer", "403 signer-not-of-state", "400 clock-skew",
                "400 digest-mismatch", "409 duplicate-id", "413 too-large", "507 quota-exceeded", "403 forbidden", "404 not-found",
                "409 conflict", "500 tampered", "507 storage-full", "503 unavailable");
        // the slug of every refusal's problem is the refusal's own reason code
        assertThat(List.of(Reason.values())).allSatisfy(r -> assertThat(Problem.of(r).slug).isEqualTo(r.code()));
    }

    @Test
    void limitsGive413AndKeepNothing() throws Exception {
        ApiSettings s = settings(8192, 16, 1, 10, 1000);
        EmbeddedChannel tooMany = channel(s, DIRECT);
        send(tooMany, postMultipart(multipart("ENV", "a", "b")));
        Response r = single(tooMany);
        assertThat(r.status()).isEqualTo(413);
        assertThat(type(r)).isEqualTo("too-large");
        assertThat(gateway.lastIntake().completed).isFalse();
        assertThat(gateway.lastIntake().closes).isPositive();

        EmbeddedChannel tooBig = channel(s, DIRECT);
        send(tooBig, postMultipart(multipart("ENV", "12345678901")));
        assertThat(single(tooBig).status()).isEqualTo(413);
        assertThat(gateway.lastIntake().completed).isFalse();
        assertThat(gateway.lastIntake().closes).isPositive();

        EmbeddedChannel bigEnvelope = channel(s, DIRECT);
        send(bigEnvelope, postMultipart(multipart("E".repeat(17))));
        assertThat(single(bigEnvelope).status()).isEqualTo(413);

        EmbeddedChannel declaredTooBig = channel(s, DIRECT);
        send(declaredTooBig, "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/pkcs7-mime\r\nContent-Length: 17\r\n\r\n");
        Response early = single(declaredTooBig);
        assertThat(early.status()).isEqualTo(413);
        assertThat(declaredTooBig.isOpen()).isFalse();

        EmbeddedChannel getWithBody = channel(s, DIRECT);
        send(getWithBody, "GET /api/v1/inbox HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(single(getWithBody).status()).isEqualTo(413);
    }

    @Test
    void malformedMultipartGives400AndKeepsNothing() throws Exception {
        EmbeddedChannel noBoundary = channel();
        send(noBoundary, post("/api/v1/messages", "multipart/form-data", "x"));
        assertThat(type(single(noBoundary))).isEqualTo("malformed");

        EmbeddedChannel notEnvelopeFirst = channel();
        send(notEnvelopeFirst, postMultipart(multipart("ENV").replace("name=\"envelope\"", "name=\"document\"")));
        Response r = single(notEnvelopeFirst);
        assertThat(r.status()).isEqualTo(400);
        assertThat(problem(r).get("detail").asText()).isEqualTo("the first part must be named envelope");

        EmbeddedChannel truncated = channel();
        String body = multipart("ENV", "doc");
        send(truncated, postMultipart(body).replace("--" + B + "--\r\n", "--" + B + "-X\r\n"));
        assertThat(type(single(truncated))).isEqualTo("malformed");
        assertThat(gateway.lastIntake().completed).isFalse();
        assertThat(gateway.lastIntake().closes).isPositive();
    }

    @Test
    void replayAnswersAtOnceAndClosesIfTheBodyIsNotRead() throws Exception {
        EmbeddedChannel ch = channel();
        String body = multipart("REPLAY", "doc-not-stored");
        String head = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + B
                + "\r\nContent-Length: " + (body.length() + 1000) + "\r\n\r\n";
        send(ch, head + body);
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TestGateway.REPLAY_RECEIPT);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(gateway.intakes).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aSlowBodyGets408AndTheUploadIsDiscarded() throws Exception {
        EmbeddedChannel ch = channel();
        String body = multipart("ENV", "a document that never ends");
        String head = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + B
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n";
        send(ch, head + body.substring(0, body.length() - 30));
        assertThat(responses(ch)).isEmpty();
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        Response r = single(ch);
        assertThat(r.status()).isEqualTo(408);
        assertThat(type(r)).isEqualTo("request-timeout");
        assertThat(ch.isOpen()).isFalse();
        assertThat(gateway.lastIntake().completed).isFalse();
        assertThat(gateway.lastIntake().closes).isPositive();
    }

    @Test
    void aSlowHeadIsClosedAfterTheIdleTimeout() {
        EmbeddedChannel ch = channel();
        send(ch, "GET /api/v1/inbox HTTP/1.1\r\nHost: x\r\n"); // never finished: slowloris
        ch.advanceTimeBy(59, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(gateway.identifyCalls).hasValue(0);
    }

    @Test
    void theClockDoesNotRunWhileTheGatewayWorks() {
        Embedded.Deferred deferred = new Embedded.Deferred();
        EmbeddedChannel ch = channel(DEFAULTS, deferred);
        send(ch, get("/api/v1/inbox/7"));
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.advanceTimeBy(120, TimeUnit.SECONDS); // a slow database, not a slow client
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        deferred.runAll(ch);
        assertThat(single(ch).status()).isEqualTo(200);
        assertThat(ch.config().isAutoRead()).isTrue();
    }
}
