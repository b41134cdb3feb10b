package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.ServerProcess;

/**
 * SIGTERM: the server stops accepting connections and uploads, lets the transfers in flight finish
 * within the grace period (or aborts them, keeping nothing), and closes the database cleanly.
 */
class GracefulShutdownTest {

    private static final String DROP = "/submit/annual-report/states-parties/";

    @TempDir
    Path tmp;

    @Test
    void anUploadInFlightFinishesAndIsKeptWhileNewWorkIsRefused() throws Exception {
        Path home = tmp.resolve("home");
        byte[] content = random(4 * 1024 * 1024);
        try (ProcessClients clients = new ProcessClients()) {
            ServerProcess server = ServerProcess.start(home, "256m", "--shutdown-grace", "60s");
            clients.target(server);
            try (SftpClient sftp = clients.sftp("arcadia-officer")) {
                OutputStream out = sftp.write(DROP + "in-flight.pdf");
                out.write(content, 0, content.length / 2);
                out.flush();

                server.terminate();
                awaitNewConnectionsRefused(clients);
                // the open session stays, but a new upload on it is refused with a clear status
                assertThatThrownBy(() -> {
                    try (OutputStream late = sftp.write(DROP + "late.pdf")) {
                        late.write(1);
                    }
                }).isInstanceOf(IOException.class).hasMessageContaining("shutting down");

                out.write(content, content.length / 2, content.length - content.length / 2);
                out.close(); // acknowledged: the filing is durable
            }
            // 143 = 128 + SIGTERM: how the JVM ends once its shutdown hook (the graceful stop) has returned
            assertThat(server.waitFor(Duration.ofSeconds(90))).as("exit code after SIGTERM").isEqualTo(143);
            assertThat(server.log()).contains("closed the embedded Derby database").contains("stopping: no new connections");

            ServerProcess again = ServerProcess.start(home, "256m");
            clients.target(again);
            try {
                String list = clients.admin("filings").output();
                assertThat(list).contains("in-flight.pdf").doesNotContain("late.pdf");
                String id = list.lines().filter(l -> l.contains("in-flight.pdf")).findFirst().orElseThrow().trim().split("\\s+")[0];
                Path exported = tmp.resolve("exported");
                assertThat(clients.admin("export", id, "-o", exported.toString()).code()).isZero();
                assertThat(CrashHarness.sha256(Files.readAllBytes(exported))).isEqualTo(CrashHarness.sha256(content));
                assertThat(clients.admin("verify-audit").output()).contains("audit chain intact");
            } finally {
                again.close();
            }
        }
    }

    @Test
    void anUploadStillRunningWhenTheGraceEndsIsAbortedAndLeavesNothing() throws Exception {
        Path home = tmp.resolve("home");
        try (ProcessClients clients = new ProcessClients()) {
            ServerProcess server = ServerProcess.start(home, "256m", "--shutdown-grace", "2s");
            clients.target(server);
            SftpClient sftp = clients.sftp("borealia-officer");
            OutputStream out = sftp.write(DROP + "stalled.pdf");
            out.write(random(1024 * 1024));
            out.flush();
            Instant asked = Instant.now();
            server.terminate();
            // the client stalls; the server gives up after the grace period and stops anyway
            assertThat(server.waitFor(Duration.ofSeconds(90))).isEqualTo(143);
            assertThat(Duration.between(asked, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(server.log()).contains("still in flight after 2 s are aborted").contains("closed the embedded Derby database");
            assertThatThrownBy(() -> {
                out.write(random(1024));
                out.close();
            }).isInstanceOf(IOException.class);
            closeQuietly(sftp);

            ServerProcess again = ServerProcess.start(home, "256m");
            clients.target(again);
            try {
                assertThat(clients.admin("filings").output()).doesNotContain("stalled.pdf");
                try (Stream<Path> blobs = Files.walk(home.resolve("blobs"))) {
                    assertThat(blobs.filter(Files::isRegularFile).toList()).as("no document or temporary kept").isEmpty();
                }
            } finally {
                again.close();
            }
        }
    }

    private static void awaitNewConnectionsRefused(ProcessClients clients) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try (SftpClient probe = clients.sftp("borealia-officer")) {
                Thread.sleep(100); // still accepted: the stop has not reached the listener yet
            } catch (Exception refused) {
                return;
            }
        }
        throw new AssertionError("new SFTP connections were still accepted 30 s after SIGTERM");
    }

    private static void closeQuietly(SftpClient sftp) {
        try {
            sftp.close();
        } catch (IOException e) {
            // the server is gone
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
