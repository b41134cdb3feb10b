package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/** Per-account limits: file size, quota, open handles, sessions — refused cleanly, nothing kept. */
class SftpLimitsTest {


    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c
                .withSftp(new ServerConfig.Sftp(c.sftp().bind(), c.sftp().port(), c.sftp().authTimeout(), c.sftp().idleTimeout(), 3,
                        c.sftp().hostKeys(), c.sftp().algorithms()))
                .withLimits(new ServerConfig.Limits(100_000, 250_000, 4, 2, 255)));

    static void upload(SftpClient sftp, String path, int size) throws IOException {
        try (OutputStream out = sftp.write(path)) {
            out.write(new byte[size]);
        }
    }

    static int filings(String state) {
        return (int) exchange.admin("filings", "--state", state).lines().skip(1).filter(l -> !l.isBlank()).count();
    }

    @Test
    void aDocumentOverTheSizeLimitIsRefusedAndLeavesNothing() throws Exception {
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s)) {
            // too large is not over quota: a failure whose message gives the reason
            assertThatThrownBy(() -> upload(sftp, "/submit/annual-report/secretariat/too-big.pdf", 100_001))
                    .isInstanceOfSatisfying(SftpException.class, e -> {
                        assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_FAILURE);
                        assertThat(e.getMessage()).startsWith("too-large: the document exceeds the maximum size of 100000 bytes");
                    });
            upload(sftp, "/submit/annual-report/secretariat/just-fits.pdf", 100_000);
        }
        assertThat(exchange.admin("filings", "--state", "ARC")).doesNotContain("too-big.pdf").contains("just-fits.pdf");
    }

    @Test
    void theQuotaIsPerAccount() throws Exception {
        try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s)) {
            upload(sftp, "/submit/correspondence/secretariat/a.txt", 100_000);
            upload(sftp, "/submit/correspondence/secretariat/b.txt", 100_000);
            assertThatThrownBy(() -> upload(sftp, "/submit/correspondence/secretariat/c.txt", 60_000))
                    .isInstanceOfSatisfying(SftpException.class, e -> assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_QUOTA_EXCEEDED));
        }
        assertThat(filings("BOR")).isEqualTo(2);
        // another account of the same State has its own quota
        try (ClientSession s = exchange.login("borealia-system"); SftpClient sftp = exchange.sftp(s)) {
            upload(sftp, "/submit/correspondence/secretariat/d.txt", 60_000);
        }
        assertThat(filings("BOR")).isEqualTo(3);
    }

    @Test
    void aSessionHoldsAtMostTenChannelsEachWithTheTunedReceiveWindowAndARefusalLeavesTheOthersWorking() throws Exception {
        try (ClientSession s = exchange.login("sylvania-officer")) {
            List<SftpClient> channels = new ArrayList<>();
            try {
                for (int i = 0; i < SftpService.MAX_CHANNELS_PER_SESSION; i++) {
                    channels.add(exchange.sftp(s));
                }
                // the window the server advertised when the channel opened: what a client may send ahead of it
                assertThat(channels.get(0).getClientChannel().getRemoteWindow().getMaxSize()).isEqualTo(SftpService.RECEIVE_WINDOW_BYTES);

                assertThatThrownBy(() -> channels.add(exchange.sftp(s))).isInstanceOf(IOException.class);
                assertThat(s.isOpen()).isTrue();
                upload(channels.get(SftpService.MAX_CHANNELS_PER_SESSION - 1), "/submit/correspondence/secretariat/tenth-channel.txt", 1_000);

                channels.remove(0).close(); // a closed channel frees its place
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> channels.add(exchange.sftp(s)));
            } finally {
                for (SftpClient c : channels) {
                    c.close();
                }
            }
        }
        assertThat(exchange.admin("filings", "--state", "SYL")).contains("tenth-channel.txt");
    }

    @Test
    void openHandlesPerSessionAreCapped() throws Exception {
        try (ClientSession s = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(s)) {
            List<SftpClient.CloseableHandle> handles = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    handles.add(sftp.openDir("/submit"));
                }
                assertThatThrownBy(() -> sftp.openDir("/submit")).isInstanceOf(SftpException.class);
            } finally {
                for (SftpClient.CloseableHandle h : handles) {
                    h.close();
                }
            }
        }
    }

    @Test
    void sessionsPerAccountAreCapped() throws Exception {
        try (ClientSession a = exchange.login("calvera-officer"); ClientSession b = exchange.login("calvera-officer")) {
            assertThat(a.isAuthenticated() && b.isAuthenticated()).isTrue();
            assertThatThrownBy(() -> exchange.login("calvera-officer").close()).isInstanceOf(Exception.class);
        }
        try (ClientSession again = exchange.login("calvera-officer")) {
            assertThat(again.isAuthenticated()).isTrue();
        }
    }

    @Test
    void connectionsWaitingToAuthenticateAreCapped() throws Exception {
        List<java.net.Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", exchange.port());
                socket.setSoTimeout(10_000);
                assertThat(new String(socket.getInputStream().readNBytes(4), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SSH-");
                idle.add(socket);
            }
            try (java.net.Socket fourth = new java.net.Socket("127.0.0.1", exchange.port())) {
                fourth.setSoTimeout(10_000);
                assertThat(fourth.getInputStream().readAllBytes().length).isLessThan(256); // closed at once (at most the banner)
            }
        } finally {
            for (java.net.Socket s : idle) {
                s.close();
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            try (ClientSession s = exchange.login("sylvania-system")) {
                assertThat(s.isAuthenticated()).isTrue();
            }
        });
    }
}
