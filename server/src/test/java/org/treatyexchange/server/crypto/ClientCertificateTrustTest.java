package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust manager of the mutual-TLS handshakes: any well-formed client certificate valid now passes (the
 * registry decides per request who it is); no certificate, an expired or a not-yet-valid one fails the
 * handshake; and it never vouches for a server.
 */
class ClientCertificateTrustTest {

    static X509Certificate leaf;

    @BeforeAll
    static void issue(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir.resolve("ca.p12"), dir.resolve("ca.pem"),
                "ca-password".toCharArray(), "Test CA", Clock.systemUTC());
        leaf = ca.issueClientCertificate("arcadia-system", "ARC", Duration.ofDays(30)).certificate();
    }

    static ClientCertificateTrust at(Instant now) {
        return new ClientCertificateTrust(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aCertificateValidNowIsAccepted() {
        assertThatCode(() -> at(Instant.now()).checkClientTrusted(new X509Certificate[] {leaf}, "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
        assertThatCode(() -> at(Instant.now()).checkClientTrusted(new X509Certificate[] {leaf}, "ECDHE_ECDSA", (javax.net.ssl.SSLEngine) null))
                .doesNotThrowAnyException();
    }

    @Test
    void noCertificateFailsTheHandshake() {
        ClientCertificateTrust trust = at(Instant.now());
        assertThatThrownBy(() -> trust.checkClientTrusted(null, "RSA")).isInstanceOf(CertificateException.class)
                .hasMessage("no client certificate");
        assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[0], "RSA")).hasMessage("no client certificate");
        assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[] {null}, "RSA")).hasMessage("no client certificate");
        assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[0], "RSA", (java.net.Socket) null))
                .hasMessage("no client certificate");
    }

    @Test
    void anExpiredCertificateFailsTheHandshake() {
        assertThatThrownBy(() -> at(Instant.now().plus(Duration.ofDays(31))).checkClientTrusted(new X509Certificate[] {leaf}, "RSA"))
                .isInstanceOf(CertificateExpiredException.class);
    }

    /** Netty's handshake calls the SSLEngine overload; the Socket one is the JDK's: both apply the same check. */
    @Test
    void anExpiredCertificateFailsTheHandshakeWhicheverOverloadTheTlsStackCalls() {
        ClientCertificateTrust later = at(Instant.now().plus(Duration.ofDays(31)));
        X509Certificate[] chain = {leaf};
        assertThatThrownBy(() -> later.checkClientTrusted(chain, "RSA", (javax.net.ssl.SSLEngine) null))
                .isInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> later.checkClientTrusted(chain, "RSA", (java.net.Socket) null))
                .isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void aCertificateNotYetValidFailsTheHandshake() {
        assertThatThrownBy(() -> at(Instant.now().minus(Duration.ofDays(2))).checkClientTrusted(new X509Certificate[] {leaf}, "RSA"))
                .isInstanceOf(CertificateNotYetValidException.class);
    }

    @Test
    void itNeverTrustsAServerAndNamesNoIssuer() {
        ClientCertificateTrust trust = at(Instant.now());
        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : new org.assertj.core.api.ThrowableAssert.ThrowingCallable[] {
            () -> trust.checkServerTrusted(new X509Certificate[] {leaf}, "RSA"),
            () -> trust.checkServerTrusted(new X509Certificate[] {leaf}, "RSA", (java.net.Socket) null),
            () -> trust.checkServerTrusted(new X509Certificate[] {leaf}, "RSA", (javax.net.ssl.SSLEngine) null)}) {
            assertThatThrownBy(call).isInstanceOf(CertificateException.class).hasMessage("this trust manager authenticates clients only");
        }
        org.assertj.core.api.Assertions.assertThat(trust.getAcceptedIssuers()).isEmpty();
    }
}
