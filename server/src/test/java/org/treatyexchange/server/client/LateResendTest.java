package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.ExchangeException;
import org.treatyexchange.sdk.RetryPolicy;
import org.treatyexchange.sdk.SentMessage;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.Server;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;

/**
 * A national system that lost its receipt (a crash, a network fault) sends the very same envelope
 * again — possibly long after the 5-minute window for {@code createdAt}: the exchange answers with the
 * original receipt and files nothing; a NEW message with an old {@code createdAt} is still refused.
 * The server runs on a clock the test moves, so nothing sleeps.
 */
class LateResendTest {

    @TempDir
    static Path tmp;

    static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.now());
    static Server server;

    static final class MovableClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return NOW.get();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServerConfig config = ServerConfigLoader.load(TestExchange.REPO.resolve("config/server.yaml")).withHome(tmp.resolve("home"))
                .withSftpPort(0).withApiPort(0).withPortalPort(0).withMonitoringPort(0).withRegistryFile(TestExchange.REPO.resolve("config/registry.yaml"));
        server = Server.start(config, Map.of(config.keys().passwordEnv(), TestExchange.PASSWORD), new MovableClock());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theSameEnvelopeGetsItsOriginalReceiptHoweverLateButANewOneMustBeFresh() throws Exception {
        Path demo = tmp.resolve("home/demo");
        Path note = tmp.resolve("note.txt");
        Files.writeString(note, "a note\n");
        try (ExchangeClient client = ExchangeClient.builder().account("sylvania-system")
                .api(URI.create("https://127.0.0.1:" + server.apiPort()),
                        ClientKeys.fromPem(demo.resolve("sylvania-system-api.key.pem"), demo.resolve("sylvania-system-api.cert.pem")),
                        ExchangeClient.certificate(server.caCertificate()))
                .receiptCertificate(ExchangeClient.certificate(server.receiptCertificate()))
                .retryPolicy(RetryPolicy.NONE).build()) {
            Envelope.Builder b = Envelope.builder().messageId("syl-late-1").type(MessageType.CORRESPONDENCE).state("SYL")
                    .createdAt(NOW.get()).title("A note").document("note.txt", note, "text/plain");
            Envelope envelope = b.build();
            SentMessage first = client.send(envelope, b.files());

            NOW.set(NOW.get().plus(Duration.ofHours(3)));
            SentMessage late = client.send(envelope, b.files());
            assertThat(late.signedReceipt()).isEqualTo(first.signedReceipt());

            Envelope.Builder stale = Envelope.builder().messageId("syl-late-2").type(MessageType.CORRESPONDENCE).state("SYL")
                    .createdAt(envelope.createdAt()).title("Another note").document("note.txt", note, "text/plain");
            assertThatThrownBy(() -> client.send(stale.build(), stale.files()))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.problemType()).isEqualTo("clock-skew"));
            // the same id with other content is still a conflict, not a resend
            Envelope.Builder other = Envelope.builder().messageId("syl-late-1").type(MessageType.CORRESPONDENCE).state("SYL")
                    .createdAt(NOW.get()).title("Changed").document("note.txt", note, "text/plain");
            assertThatThrownBy(() -> client.send(other.build(), other.files()))
                    .isInstanceOfSatisfying(ExchangeException.class, e -> assertThat(e.problemType()).isEqualTo("duplicate-id"));
        }
    }
}
