package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCredentialsTest {
    static final char[] PASSWORD = "tls-pass".toCharArray();
    static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    @TempDir
    Path dir;

    private LocalCertificateAuthority ca(Instant now) throws Exception {
        return LocalCertificateAuthority.openOrCreate(dir.resolve("ca.p12"), dir.resolve("ca.pem"), PASSWORD,
                "Test CA", Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void reusedUntilThirtyDaysBeforeExpiryThenReissued() throws Exception {
        Path p12 = dir.resolve("tls.p12");
        IssuedCredential first = TlsCredentials.openOrCreate(ca(T0), p12, PASSWORD, List.of("localhost"), List.of("127.0.0.1"));
        assertThat(Files.getPosixFilePermissions(p12)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

        Instant stillFine = first.certificate().getNotAfter().toInstant().minus(Duration.ofDays(31));
        IssuedCredential reused = TlsCredentials.openOrCreate(ca(stillFine), p12, PASSWORD, List.of("localhost"),
                List.of("127.0.0.1"));
        assertThat(reused.certificate()).isEqualTo(first.certificate());
        assertThat(reused.key()).isEqualTo(first.key());
        assertThat(reused.chain()).hasSize(2);

        Instant nearExpiry = first.certificate().getNotAfter().toInstant().minus(Duration.ofDays(29));
        IssuedCredential renewed = TlsCredentials.openOrCreate(ca(nearExpiry), p12, PASSWORD, List.of("localhost"),
                List.of("127.0.0.1"));
        assertThat(renewed.certificate()).isNotEqualTo(first.certificate());
        assertThat(renewed.certificate().getNotAfter().toInstant()).isAfter(nearExpiry.plus(Duration.ofDays(364)));
        // And the renewed one was stored.
        assertThat(TlsCredentials.openOrCreate(ca(nearExpiry), p12, PASSWORD, List.of("localhost"),
                List.of("127.0.0.1")).certificate()).isEqualTo(renewed.certificate());
    }

    @Test
    void reissuedWhenNamesOrCaChange() throws Exception {
        Path p12 = dir.resolve("tls.p12");
        IssuedCredential first = TlsCredentials.openOrCreate(ca(T0), p12, PASSWORD, List.of("localhost"), List.of());
        IssuedCredential renamed = TlsCredentials.openOrCreate(ca(T0), p12, PASSWORD,
                List.of("localhost", "exchange.example.org"), List.of());
        assertThat(renamed.certificate()).isNotEqualTo(first.certificate());

        Files.delete(dir.resolve("ca.p12"));
        LocalCertificateAuthority newCa = ca(T0);
        IssuedCredential reissued = TlsCredentials.openOrCreate(newCa, p12, PASSWORD,
                List.of("localhost", "exchange.example.org"), List.of());
        reissued.certificate().verify(newCa.certificate().getPublicKey());
    }

    @Test
    void wrongPasswordIsReportedNotReplaced() throws Exception {
        Path p12 = dir.resolve("tls.p12");
        TlsCredentials.openOrCreate(ca(T0), p12, PASSWORD, List.of("localhost"), List.of());
        byte[] before = Files.readAllBytes(p12);
        assertThatThrownBy(() -> TlsCredentials.openOrCreate(ca(T0), p12, "other".toCharArray(), List.of("localhost"),
                List.of())).isInstanceOf(KeyStoreException.class)
                .hasMessage("TLS keystore tls.p12 could not be opened: wrong password or damaged file");
        assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    }
}
