package org.treatyexchange.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Manifest;

/** The pure parts of the facade: retry decisions, filing requests, builder checks. */
class ClientPiecesTest {

    @Test
    void backoffDoublesUpToItsLimitAndOnlyFaultsAreRetried() {
        RetryPolicy p = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(List.of(p.delayAfter(1), p.delayAfter(2), p.delayAfter(3), p.delayAfter(4), p.delayAfter(5)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(RetryPolicy.retryable(new ConnectException("refused"))).isTrue();
        assertThat(RetryPolicy.retryable(new EOFException())).isTrue();
        assertThat(RetryPolicy.retryable(new SftpException(SftpConstants.SSH_FX_CONNECTION_LOST, "lost"))).isTrue();
        assertThat(RetryPolicy.retryable(new SftpException(SftpConstants.SSH_FX_PERMISSION_DENIED, "no"))).isFalse();
        assertThat(RetryPolicy.retryable(new ExchangeException(503, "unavailable", ""))).isTrue();
        assertThat(RetryPolicy.retryable(new ExchangeException(429, "rate-limited", ""))).isTrue();
        assertThat(RetryPolicy.retryable(new ExchangeException(409, "duplicate-id", ""))).isFalse();
        // a host key that is not pinned, or a login the exchange refuses, will not change on a retry
        assertThat(RetryPolicy.retryable(new java.io.IOException("connect failed",
                new org.apache.sshd.common.SshException(org.apache.sshd.common.SshConstants.SSH2_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
                        "Server key did not validate")))).isFalse();
        assertThat(RetryPolicy.retryable(new org.apache.sshd.common.SshException(
                org.apache.sshd.common.SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE, "no more methods"))).isFalse();
        assertThat(RetryPolicy.retryable(new org.apache.sshd.common.SshException("connection reset"))).isTrue();
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBusyExchangesRetryAfterIsHonouredWithJitterUpToTheLongestDelayAndWithoutItTheBackoffRuns() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(30));
        ExchangeException busy = new ExchangeException(503, "unavailable", "busy", Duration.ofSeconds(3));
        assertThat(busy.retryAfter()).contains(Duration.ofSeconds(3));
        // the exchange's own wait replaces the doubling, plus up to 50 % jitter, whichever try it is
        assertThat(p.waitAfter(1, busy, 0.0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.waitAfter(4, busy, 0.999)).isBetween(Duration.ofSeconds(3), Duration.ofMillis(4500));
        // never longer than the client's own longest delay
        assertThat(p.waitAfter(1, new ExchangeException(503, "unavailable", "", Duration.ofHours(1)), 0.0)).isEqualTo(Duration.ofSeconds(30));
        // without Retry-After: the backoff, plus up to 20 %
        ExchangeException plain = new ExchangeException(503, "unavailable", "");
        assertThat(plain.retryAfter()).isEmpty();
        assertThat(p.waitAfter(2, plain, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.waitAfter(2, plain, 0.999)).isBetween(Duration.ofSeconds(4), Duration.ofMillis(4800));
        assertThat(p.waitAfter(1, new ConnectException("refused"), 0.5)).isEqualTo(Duration.ofMillis(2200));
        // the header as the exchange sends it (delay-seconds); a date or garbage counts as absent
        assertThat(MessageClient.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(MessageClient.retryAfter(" 12 ")).isEqualTo(Duration.ofSeconds(12));
        assertThat(MessageClient.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT")).isNull();
        assertThat(MessageClient.retryAfter("-1")).isNull();
        assertThat(MessageClient.retryAfter(null)).isNull();
    }

    @Test
    void aFilingRequestAlwaysWritesAManifestThatCarriesItsSubmissionId() {
        Path file = Path.of("report.pdf");
        FilingRequest plain = FilingRequest.of(file, "annual-report", ConfidentialityLevel.STATES_PARTIES);
        assertThat(plain.name()).isEqualTo("report.pdf");
        assertThat(plain.submissionId()).isNull();
        assertThat(plain.manifest("drawn-for-this-call-1")).isEqualTo(new Manifest(1, "annual-report", null,
                ConfidentialityLevel.STATES_PARTIES, List.of(), false, "drawn-for-this-call-1"));
        FilingRequest own = plain.withSubmissionId("cron-job.2025-annual");
        assertThat(own.manifest("drawn-for-this-call-1").submissionId()).isEqualTo("cron-job.2025-annual");
        assertThat(own.withPeriod("2025").withName("r.pdf").asNewVersion().submissionId()).isEqualTo("cron-job.2025-annual");
        assertThatThrownBy(() -> plain.withSubmissionId("too-short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("submissionId");
        assertThatThrownBy(() -> FilingRequest.of(file, "national-report", ConfidentialityLevel.NAMED).withSubmissionId("has:colon:not-allowed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("submissionId");
        assertThat(plain.folder()).isEqualTo("/submit/annual-report/states-parties");
        // a title travels in the manifest and stays through the other changes; a bad one fails before connecting
        FilingRequest titled = own.withTitle("Annual report 2025");
        assertThat(titled.withPeriod("2025").asNewVersion().manifest("drawn-for-this-call-1").title()).isEqualTo("Annual report 2025");
        assertThat(plain.manifest("drawn-for-this-call-1").title()).isNull();
        assertThatThrownBy(() -> plain.withTitle("tab\tinside")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the title contains a control character");

        FilingRequest named = FilingRequest.of(file, "national-report", ConfidentialityLevel.NAMED).withNamedStates(List.of("SYL", "ARC", "SYL"))
                .withPeriod("2024-2025").withName("Nationaler Bericht.pdf");
        Manifest m = named.manifest("drawn-for-this-call-2");
        assertThat(m.namedStates()).containsExactly("ARC", "SYL");
        assertThat(m.period()).isEqualTo("2024-2025");
        assertThat(m.level()).isEqualTo(ConfidentialityLevel.NAMED);
        assertThat(named.folder() + "/" + named.name()).isEqualTo("/submit/national-report/named/Nationaler Bericht.pdf");

        assertThatThrownBy(() -> FilingRequest.of(file, "national-report", ConfidentialityLevel.NAMED).manifest("drawn-for-this-call-3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namedStates");
        assertThatThrownBy(() -> plain.withPeriod("last year")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.withName("x.manifest.json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.withName("../up.pdf")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilingRequest.of(file, "Annual Report", ConfidentialityLevel.PUBLIC)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBuilderRefusesAnUnpinnedHostKeyAndAMissingChannel() throws Exception {
        java.security.KeyPair pair = org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
        SshIdentity identity = SshIdentity.of(pair);
        java.security.cert.X509Certificate cert = TestPki.selfSigned("receipts").certificate();
        assertThatThrownBy(() -> ExchangeClient.builder().account("borealia-system").sftp("127.0.0.1", 22, identity)
                .receiptCertificate(cert).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("host key");
        assertThatThrownBy(() -> ExchangeClient.builder().account("borealia-system").receiptCertificate(cert).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one channel");
        assertThatThrownBy(() -> ExchangeClient.builder().sftpHostKey("MD5:aa:bb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExchangeClient.builder().account("Borealia System")).isInstanceOf(IllegalArgumentException.class);
        try (ExchangeClient sftpOnly = ExchangeClient.builder().account("borealia-system").sftp("127.0.0.1", 22, identity)
                .sftpHostKey("SHA256:" + "A".repeat(43)).receiptCertificate(cert).build()) {
            assertThatThrownBy(() -> sftpOnly.inbox(0, 10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("HTTPS");
        }
    }
}
