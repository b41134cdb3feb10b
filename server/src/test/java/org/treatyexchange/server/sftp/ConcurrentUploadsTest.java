package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * The lock convoy of docs/PERFORMANCE.md: many sessions of one account uploading at once, each
 * listing folders meanwhile (as the stock client's stat before every put does), must all get their
 * receipts, and no SSH I/O thread of the server may ever wait in the store. Asserts success, not speed.
 */
class ConcurrentUploadsTest {
    private static final int SESSIONS = 24;
    private static final int SIZE = 3 * 1024 * 1024 + 5;
    private static final String DIR = "/submit/annual-report/states-parties";


    // All the sessions log in from one address at the same instant: the per-source pre-authentication limits let them.
    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c.withLimits(new ServerConfig.Limits(c.limits().maxFileSize(),
                c.limits().accountQuota(), c.limits().maxOpenHandles(), SESSIONS, c.limits().maxFileNameLength())
                .withUploadsInFlight(SESSIONS, c.limits().freeSpaceReserve()))
                .withSftp(c.sftp().withPerSource(new ServerConfig.PerSource(SESSIONS, 100, 100))));

    @Test
    void concurrentUploadsOfOneAccountAllGetReceiptsWhileNoIoThreadWaitsInTheStore() throws Exception {
        byte[] content = new byte[SIZE];
        new SecureRandom().nextBytes(content);
        int receiptsBefore;
        try (ClientSession s = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(s)) {
            receiptsBefore = SftpDropBoxTest.names(sftp, "/receipts").size();
        }

        AtomicBoolean sampling = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> ioThreadsInStore = new ConcurrentLinkedQueue<>();
        Thread sampler = new Thread(() -> sampleIoThreads(sampling, ioThreadsInStore), "io-thread-sampler");
        sampler.start();

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                String name = String.format("convoy-%02d.bin", i);
                results.add(clients.submit(() -> {
                    go.await();
                    try (ClientSession s = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(s)) {
                        sftp.stat(DIR); // what the stock client sends before a put
                        SftpDropBoxTest.names(sftp, DIR);
                        try (OutputStream out = sftp.write(DIR + "/" + name)) {
                            out.write(content);
                        }
                        sftp.stat(DIR + "/" + name);
                        return SftpDropBoxTest.names(sftp, "/receipts").size();
                    }
                }));
            }
            go.countDown();
            for (Future<Integer> r : results) {
                // each session's own receipt is there when it lists after its CLOSE
                assertThat(r.get()).isGreaterThan(receiptsBefore);
            }
        } finally {
            clients.shutdownNow();
            sampling.set(false);
            sampler.join();
        }

        try (ClientSession s = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(s)) {
            assertThat(SftpDropBoxTest.names(sftp, "/receipts")).hasSize(receiptsBefore + SESSIONS);
            assertThat(SftpDropBoxTest.names(sftp, DIR)).hasSizeGreaterThanOrEqualTo(SESSIONS);
        }
        assertThat(ioThreadsInStore).as("server SSH I/O threads seen in the store or the database").isEmpty();
        assertThat(exchange.admin("verify-audit")).startsWith("0\n").contains("intact");
    }

    /** Any server NIO2 I/O thread caught inside the store or Derby is a failure (the store also refuses them outright). */
    private static void sampleIoThreads(AtomicBoolean sampling, ConcurrentLinkedQueue<String> found) {
        while (sampling.get()) {
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                String name = e.getKey().getName();
                if (!name.startsWith("sshd-") || !name.contains("-nio2-")) { // the client's never enter the store either
                    continue;
                }
                for (StackTraceElement frame : e.getValue()) {
                    if (frame.getClassName().startsWith("org.treatyexchange.server.store.")
                            || frame.getClassName().startsWith("org.apache.derby.")) {
                        found.add(name + " in " + frame);
                        break;
                    }
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
