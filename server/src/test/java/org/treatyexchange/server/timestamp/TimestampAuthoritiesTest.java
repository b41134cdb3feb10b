package org.treatyexchange.server.timestamp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.ReceiptVerifier;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.TimestampRequest;

/**
 * Several configured authorities, asked in order: the first that grants a token which verifies is used; one that
 * is down is skipped; one whose certificate is not among the configured ones (a rogue or misconfigured TSA) is
 * not believed, whatever it answers.
 */
class TimestampAuthoritiesTest {

    @TempDir
    static Path tmp;

    static TestTimestampAuthority alpha;
    static TestTimestampAuthority beta;
    static TestTimestampAuthority rogue;
    static ReceiptSigner signer;

    @BeforeAll
    static void start() throws Exception {
        alpha = TestTimestampAuthority.start(tmp.resolve("tsa"), "Alpha");
        beta = TestTimestampAuthority.start(tmp.resolve("tsa"), "Beta");
        rogue = TestTimestampAuthority.start(tmp.resolve("tsa"), "Rogue");
        signer = ReceiptSigner.openOrCreate(tmp.resolve("receipt.p12"), tmp.resolve("receipt-cert.pem"), "pw".toCharArray(),
                "Test receipts", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        alpha.close();
        beta.close();
        rogue.close();
    }

    static Optional<TimestampRequest.Stamped> stamp(TimestampAuthorities authorities) {
        byte[] receipt = signer.sign("{\"version\":1}".getBytes(StandardCharsets.UTF_8));
        return authorities.stamp("test", receipt, Clock.systemUTC().instant().plusSeconds(2), Clock.systemUTC());
    }

    @Test
    void theFirstAuthorityThatGrantsATrustedTokenIsUsedAndOneThatIsDownIsSkipped() throws Exception {
        alpha.set(TestTimestampAuthority.Mode.DOWN);
        beta.set(TestTimestampAuthority.Mode.UP);
        int alphaAsked = alpha.requests();
        TimestampAuthorities both = new TimestampAuthorities(List.of(alpha.url(), beta.url()), List.of(alpha.ca(), beta.ca()),
                Duration.ofSeconds(2));
        TimestampRequest.Stamped s = stamp(both).orElseThrow();
        assertThat(alpha.requests()).isEqualTo(alphaAsked + 1); // asked first, said no
        assertThat(s.timestamp().authority()).contains("CN=Beta Test TSA");
        ReceiptVerifier.verifyTimestamp(s.receipt(), signer.certificate(), List.of(beta.ca()));

        alpha.set(TestTimestampAuthority.Mode.UP);
        assertThat(stamp(both).orElseThrow().timestamp().authority()).contains("CN=Alpha Test TSA");
    }

    @Test
    void anAuthorityWhoseCertificateIsNotConfiguredIsNotBelieved() {
        rogue.set(TestTimestampAuthority.Mode.UP);
        TimestampAuthorities onlyAlphaTrusted = new TimestampAuthorities(List.of(rogue.url()), List.of(alpha.ca()), Duration.ofSeconds(2));
        int asked = rogue.requests();
        assertThat(stamp(onlyAlphaTrusted)).isEmpty();
        assertThat(rogue.requests()).isEqualTo(asked + 1); // it answered with a token; the token was refused
    }

    @Test
    void everyAuthorityDownYieldsNothingWithinTheDeadline() {
        alpha.set(TestTimestampAuthority.Mode.DOWN);
        beta.set(TestTimestampAuthority.Mode.HANG);
        TimestampAuthorities both = new TimestampAuthorities(List.of(alpha.url(), beta.url()), List.of(alpha.ca(), beta.ca()),
                Duration.ofSeconds(2));
        long start = System.nanoTime();
        assertThat(stamp(both)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5)); // the deadline, not beta's 10 s
        beta.set(TestTimestampAuthority.Mode.UP);
    }
}
