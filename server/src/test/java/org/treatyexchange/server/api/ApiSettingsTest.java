package org.treatyexchange.server.api;

import org.treatyexchange.server.crypto.ClientCertificateTrust;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Settings validation, the validity-only client trust, the token buckets. */
class ApiSettingsTest {

    static ApiSettings with(List<String> protocols, List<String> suites) {
        ApiSettings d = ApiSettings.defaults();
        return new ApiSettings(d.bind(), d.port(), d.maxHeaderBytes(), d.maxEnvelopeBytes(), d.maxDocuments(), d.maxDocumentBytes(),
                d.requestsPerMinutePerClient(), d.idleTimeout(), d.readTimeout(), d.executorThreads(), protocols, suites);
    }

    @Test
    void defaultsAreSafe() {
        ApiSettings d = ApiSettings.defaults();
        assertThat(d.bind()).isEqualTo("127.0.0.1");
        assertThat(d.tlsProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(d.cipherSuites()).hasSize(9).allMatch(c -> c.contains("GCM") || c.contains("CHACHA20"));
        assertThat(d.withListener("0.0.0.0", 0).port()).isZero();
    }

    @Test
    void refusesWeakProtocolsAndSuites() {
        assertThatThrownBy(() -> with(List.of("TLSv1.1"), ApiSettings.DEFAULT_CIPHER_SUITES)).hasMessageContaining("TLSv1.1 is not allowed");
        assertThatThrownBy(() -> with(ApiSettings.DEFAULT_PROTOCOLS, List.of("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")))
                .hasMessageContaining("TLS_RSA_WITH_AES_128_GCM_SHA256 is not a forward-secret AEAD suite");
        assertThatThrownBy(() -> with(ApiSettings.DEFAULT_PROTOCOLS, List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")))
                .hasMessageContaining("not a forward-secret AEAD suite");
        assertThatThrownBy(() -> with(ApiSettings.DEFAULT_PROTOCOLS, List.of("TLS_AES_128_GCM_SHA256")))
                .hasMessageContaining("no TLS 1.2 suite");
        assertThat(with(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256")).tlsProtocols()).containsExactly("TLSv1.3");
        assertThatThrownBy(() -> with(List.of(), ApiSettings.DEFAULT_CIPHER_SUITES)).hasMessageContaining("tlsProtocols is empty");
    }

    @Test
    void refusesOutOfRangeLimits() {
        ApiSettings d = ApiSettings.defaults();
        assertThatThrownBy(() -> new ApiSettings(" ", 1, 8192, 1, 1, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                d.tlsProtocols(), d.cipherSuites())).hasMessageContaining("api.bind is blank");
        assertThatThrownBy(() -> new ApiSettings("h", 70000, 8192, 1, 1, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                d.tlsProtocols(), d.cipherSuites())).hasMessageContaining("api.port is 70000");
        assertThatThrownBy(() -> new ApiSettings("h", 1, 100, 1, 1, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                d.tlsProtocols(), d.cipherSuites())).hasMessageContaining("api.maxHeaderBytes");
        assertThatThrownBy(() -> new ApiSettings("h", 1, 8192, 1, 1, 0, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                d.tlsProtocols(), d.cipherSuites())).hasMessageContaining("api.maxDocumentBytes");
        assertThatThrownBy(() -> new ApiSettings("h", 1, 8192, 1, 1, 1, 1, Duration.ZERO, Duration.ofSeconds(1), 1,
                d.tlsProtocols(), d.cipherSuites())).hasMessageContaining("api.idleTimeout");
    }

    @Test
    void clientTrustChecksValidityOnly() throws Exception {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        X509Certificate cert = TestPki.client("x", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1))).certificate();
        new ClientCertificateTrust(Clock.fixed(now, ZoneOffset.UTC)).checkClientTrusted(new X509Certificate[] {cert}, "EC");
        assertThatThrownBy(() -> new ClientCertificateTrust(Clock.fixed(now.plus(Duration.ofDays(2)), ZoneOffset.UTC))
                .checkClientTrusted(new X509Certificate[] {cert}, "EC")).isInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> new ClientCertificateTrust(Clock.fixed(now.minus(Duration.ofDays(2)), ZoneOffset.UTC))
                .checkClientTrusted(new X509Certificate[] {cert}, "EC")).isInstanceOf(CertificateNotYetValidException.class);
        ClientCertificateTrust trust = new ClientCertificateTrust(Clock.fixed(now, ZoneOffset.UTC));
        assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[0], "EC")).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {cert}, "EC")).isInstanceOf(CertificateException.class);
        assertThat(trust.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void tokenBucketsBurstRefillAndStayBounded() {
        AtomicLong nanos = new AtomicLong();
        RateLimiter limiter = new RateLimiter(60, nanos::get, 3);
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.acquire("a")).isZero();
        }
        assertThat(limiter.acquire("a")).isEqualTo(1);
        assertThat(limiter.acquire("b")).isZero(); // buckets are per key
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1000));
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(1);
        // Past maxKeys, idle buckets are dropped; busy ones are kept and newcomers share one bucket.
        limiter.acquire("c");
        assertThat(limiter.size()).isEqualTo(3);
        limiter.acquire("d");
        assertThat(limiter.size()).isLessThanOrEqualTo(3);
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(2));
        limiter.acquire("e");
        assertThat(limiter.size()).isEqualTo(1);
    }
}
