package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.api.Embedded.responses;
import static org.treatyexchange.server.api.Embedded.send;
import static org.treatyexchange.server.api.Embedded.single;

import io.netty.channel.embedded.EmbeddedChannel;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.api.Embedded.Response;

/**
 * Admission control in the HTTP handlers (issue 22, item 4), with several {@link EmbeddedChannel}s
 * sharing one {@link Admission} of one permit and one waiting place, and an executor that runs only
 * when the test says so: a request beyond both is answered 503 with {@code Retry-After} from its head
 * alone, before any work is handed to the executor; a waiter is admitted when a permit comes back, or
 * answered 503 when its wait is over; a waiter that hangs up gives its place back.
 */
class AdmissionTest {

    static X509Certificate registered;

    final TestGateway gateway = new TestGateway();
    final AtomicLong nanos = new AtomicLong();
    final Embedded.Deferred executor = new Embedded.Deferred();
    final Admission admission = new Admission(1, 1, java.time.Duration.ofSeconds(30));

    @BeforeAll
    static void certificates() throws Exception {
        registered = TestPki.client("registered").certificate();
    }

    EmbeddedChannel channel() {
        gateway.register(registered, "fr-api", "FRA", false);
        ApiSettings s = ApiHandlerTest.DEFAULTS;
        return Embedded.channel(s, new RateLimiter(s.requestsPerMinutePerClient(), nanos::get, 100), admission, gateway, executor, registered);
    }

    static final String INBOX = "GET /api/v1/inbox HTTP/1.1\r\nHost: x\r\n\r\n";
    static final String BODY = "x".repeat(100);
    static final String MESSAGE_HEAD = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            + "Content-Length: " + BODY.length() + "\r\n\r\n";

    @Test
    void aRequestBeyondThePermitsAndTheQueueIs503WithRetryAfterFromItsHeadAloneAndTheConnectionServesOn() {
        EmbeddedChannel first = channel();
        send(first, INBOX);
        EmbeddedChannel second = channel();
        send(second, INBOX);
        assertThat(admission.active()).isEqualTo(1);
        assertThat(admission.waiting()).isEqualTo(1);
        int tasksBefore = executor.tasks.size();

        EmbeddedChannel third = channel();
        send(third, MESSAGE_HEAD); // the head only: no byte of the body has been sent
        Response r = single(third);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 30L);
        assertThat(executor.tasks).hasSize(tasksBefore); // nothing handed to the executor: no identification, no signature check
        assertThat(gateway.intakes).isEmpty();

        // its small body is read and dropped, never taken for a request; the connection stays for the retry
        send(third, BODY);
        assertThat(third.isActive()).isTrue();
        assertThat(responses(third)).isEmpty();
        send(third, INBOX);
        assertThat(single(third).status()).isEqualTo(503); // still full: turned away again, from the head
        assertThat(third.isActive()).isTrue();

        // the first is answered, its permit goes to the waiter, then both are done
        executor.runAll(first);
        assertThat(single(first).status()).isEqualTo(200);
        second.runPendingTasks(); // the hand-over to the waiter's event loop
        executor.runAll(second);
        assertThat(single(second).status()).isEqualTo(200);
        assertThat(admission.active()).isZero();
        assertThat(admission.waiting()).isZero();

        send(third, INBOX);
        executor.runAll(third);
        assertThat(single(third).status()).isEqualTo(200);
        assertThat(admission.active()).isZero();
    }

    @Test
    void aWaiterWhoseWaitIsOverIs503AndAWaiterThatHangsUpGivesItsPlaceBack() {
        EmbeddedChannel first = channel();
        send(first, INBOX);
        EmbeddedChannel second = channel();
        send(second, INBOX);
        assertThat(admission.waiting()).isEqualTo(1);

        second.advanceTimeBy(admission.maxWait().toNanos(), TimeUnit.NANOSECONDS);
        second.runScheduledPendingTasks();
        Response r = single(second);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isNotNull();
        assertThat(admission.waiting()).isZero();

        EmbeddedChannel third = channel();
        send(third, INBOX);
        assertThat(admission.waiting()).isEqualTo(1);
        third.close();
        assertThat(admission.waiting()).isZero();

        executor.runAll(first);
        assertThat(single(first).status()).isEqualTo(200);
        assertThat(admission.active()).isZero(); // no permit handed to the closed waiter, none lost
    }

    /** A waiter of one client that records when it is admitted. */
    static final class Waiting implements Admission.Waiter {
        final String client;
        boolean admitted;

        Waiting(String client) {
            this.client = client;
        }

        @Override
        public String client() {
            return client;
        }

        @Override
        public void admitted() {
            admitted = true;
        }
    }

    @Test
    void oneClientHoldsAtMostAQuarterOfThePermitsAndItsOtherRequestsDoNotHoldUpOtherClients() {
        Admission shared = new Admission(8, 8, java.time.Duration.ofSeconds(30)); // 2 permits per client
        assertThat(shared.enter(new Waiting("slow"))).isEqualTo(Admission.Entry.ADMITTED);
        assertThat(shared.enter(new Waiting("slow"))).isEqualTo(Admission.Entry.ADMITTED);
        Waiting third = new Waiting("slow");
        assertThat(shared.enter(third)).isEqualTo(Admission.Entry.WAITING); // its share is taken, permits are not
        assertThat(shared.enter(new Waiting("other"))).isEqualTo(Admission.Entry.ADMITTED); // not queued behind it
        assertThat(shared.active()).isEqualTo(3);

        shared.leave("other", 0);
        assertThat(third.admitted).isFalse(); // another client's permit does not raise its share
        shared.leave("slow", 0);
        assertThat(third.admitted).isTrue(); // its own does
        assertThat(shared.active()).isEqualTo(2);
        assertThat(shared.waiting()).isZero();
    }

    @Test
    void aConnectionClosedWhileItsRequestRunsGivesItsPermitBack() {
        EmbeddedChannel first = channel();
        send(first, MESSAGE_HEAD);
        assertThat(admission.active()).isEqualTo(1);
        first.close();
        executor.runAll(first);
        assertThat(admission.active()).isZero();
    }
}
