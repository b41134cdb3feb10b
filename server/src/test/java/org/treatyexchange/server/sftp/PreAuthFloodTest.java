package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * Pen-test finding 2: 100 connections from one address that send only a banner held all 64
 * pre-authentication slots, and a legitimate {@code sftp} failed until the 30 s timeout freed them;
 * 201 new connections a second were accepted from one address. With the shipped limits
 * ({@code sftp.maxUnauthenticatedConnections: 64}, {@code sftp.perSource}: 8 at once, 50 at once then
 * 10 a second) the flood keeps at most 8 slots and everyone else logs in. Linux routes all of
 * 127/8 to loopback, so {@code 127.0.0.2}… are other sources.
 */
class PreAuthFloodTest {

    @TempDir
    static Path tmp;

    static TestExchange exchange;
    static ServerConfig.Sftp shipped;

    @BeforeAll
    static void start() throws Exception {
        exchange = TestExchange.start(tmp.resolve("home"), c -> {
            shipped = c.sftp();
            return c;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    @Test
    void theShippedConfigurationLimitsEachSourceWellBelowTheGlobalCap() {
        assertThat(shipped.maxUnauthenticatedConnections()).isEqualTo(64);
        assertThat(shipped.perSource().maxUnauthenticatedConnections()).isEqualTo(8);
        assertThat(shipped.perSource().connectionBurst()).isEqualTo(50);
        assertThat(shipped.perSource().connectionsPerSecond()).isEqualTo(10);
    }

    @Test
    void aBannerOnlyFloodFromOneAddressLeavesLoginsFromOtherAddressesWorking() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Socket s = connectFrom("127.0.0.2");
                s.getOutputStream().write("SSH-2.0-flood\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                flood.add(s);
            }
            // During the flood, a real client from another address logs in and lists, twice.
            for (String source : List.of("127.0.0.3", "127.0.0.5")) {
                try (ClientSession session = exchange.login("arcadia-officer", exchange.keyPair("arcadia-officer"), source);
                        SftpClient sftp = exchange.sftp(session)) {
                    assertThat(session.isAuthenticated()).isTrue();
                    assertThat(sftp.readDir("/receipts")).isNotNull();
                }
            }
            // And the stock OpenSSH client, from a third address.
            Path batch = Files.writeString(tmp.resolve("batch.txt"), "ls /receipts\n");
            Processes.Result stock = Processes.run(tmp, List.of("sftp", "-b", batch.toString(), "-i",
                    exchange.demoKey("borealia-officer").toString(), "-P", Integer.toString(exchange.port()), "-o", "BindAddress=127.0.0.6",
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o",
                    "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "borealia-officer@127.0.0.1"));
            assertThat(stock.exitCode()).as(stock.output()).isZero();
            // ...while the flood still held every slot the server gave it: at most 8.
            assertThat(stillOpen(flood)).as("flood connections the server kept waiting to authenticate").isBetween(1, 8);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    @Test
    void newConnectionsFromOneAddressAreRateLimitedAndOtherAddressesAreNot() throws Exception {
        int accepted = 0;
        int refused = 0;
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            try (Socket s = connectFrom("127.0.0.4")) {
                if (serverStartsKeyExchange(s)) {
                    accepted++;
                } else {
                    refused++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(refused).as("connections refused out of 200 in %.1f s", seconds).isPositive();
        // A bucket of 50, refilled at 10 a second (plus one for rounding).
        assertThat(accepted).as("connections accepted in %.1f s", seconds).isLessThanOrEqualTo(50 + (int) Math.ceil(10 * seconds) + 1);
        try (Socket other = connectFrom("127.0.0.7")) {
            assertThat(serverStartsKeyExchange(other)).as("another address, right after").isTrue();
        }
    }

    static Socket connectFrom(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", exchange.port()), 10_000);
        return s;
    }

    /**
     * True if the server sent its banner and its KEXINIT (well over 300 bytes) and kept the connection;
     * false if it closed the connection after at most its banner.
     */
    static boolean serverStartsKeyExchange(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        byte[] head;
        try {
            s.getOutputStream().write("SSH-2.0-probe\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            head = s.getInputStream().readNBytes(300);
        } catch (SocketTimeoutException e) {
            throw e; // neither a key exchange nor a close: a failure of the test
        } catch (IOException e) {
            return false; // reset: the server closed it while the probe was in flight
        }
        if (head.length == 300) {
            return true;
        }
        assertThat(head.length).as("a refused connection gets at most the banner").isLessThan(64);
        return false;
    }

    /** How many of these connections the server has not closed (each is given half a second to show EOF). */
    static int stillOpen(List<Socket> sockets) throws IOException {
        int open = 0;
        for (Socket s : sockets) {
            if (s.isClosed()) {
                continue;
            }
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            boolean eof = false;
            try {
                byte[] buf = new byte[4096];
                while (in.read(buf) >= 0) {
                    // drain the banner and KEXINIT
                }
                eof = true;
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                eof = true; // reset by the server
            }
            if (eof) {
                s.close();
            } else {
                open++;
            }
        }
        return open;
    }
}
