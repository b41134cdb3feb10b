package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** TOTP as authenticator apps compute it: RFC 6238's SHA-1 test vectors (6-digit form), the ±1 step window, base32. */
class TotpTest {

    static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theRfc6238Sha1VectorsInTheirSixDigitForm() {
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(59L)))).isEqualTo("287082");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111109L)))).isEqualTo("081804");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111111L)))).isEqualTo("050471");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1234567890L)))).isEqualTo("005924");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(2000000000L)))).isEqualTo("279037");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(20000000000L)))).isEqualTo("353130");
    }

    @Test
    void aCodeCountsOneStepEitherSideAndNoFurther() {
        Instant now = Instant.ofEpochSecond(1234567890L);
        long step = Totp.step(now);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step), now)).hasValue(step);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now)).hasValue(step - 1);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 1), now)).hasValue(step + 1);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 2), now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 2), now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, "12345", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, "12345a", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, null, now)).isEmpty();
    }

    @Test
    void base32RoundTripsAndTheUriNamesTheParameters() {
        assertThat(Totp.base32(RFC_SECRET)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        byte[] s = Totp.newSecret();
        assertThat(s).hasSize(20);
        assertThat(Totp.fromBase32(Totp.base32(s))).isEqualTo(s);
        assertThat(Totp.fromBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")).isEqualTo(RFC_SECRET);
        assertThat(Totp.uri("Treaty Exchange", "arcadia-officer", RFC_SECRET)).isEqualTo("otpauth://totp/Treaty%20Exchange:arcadia-officer"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Treaty%20Exchange&algorithm=SHA1&digits=6&period=30");
    }
}
