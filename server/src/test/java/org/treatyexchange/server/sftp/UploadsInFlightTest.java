package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * What uploads in flight may hold (issue 20, pen-test finding 1: 40 open handles of one account held 19
 * times its quota in {@code blobs/tmp}): every byte is reserved against the quota before it is kept, an
 * account has at most {@code limits.maxConcurrentUploadsPerAccount} uploads at once, and below
 * {@code limits.freeSpaceReserve} of free space new uploads are refused as storage full while reads go on.
 * Real SFTP uploads, several sessions at once.
 */
class UploadsInFlightTest {

    static final int MAX_FILE = 1_000_000;
    static final int QUOTA = 2_000_000;
    static final int CAP = 6;

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c.withLimits(new ServerConfig.Limits(MAX_FILE, QUOTA, 64, 8, 255)
            .withUploadsInFlight(CAP, 0)));

    static long bytesIn(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            long total = 0;
            for (Path p : files.toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    @Test
    void concurrentUploadsOfOneAccountCannotTogetherHoldMoreThanItsQuota() throws Exception {
        int uploads = 5; // 5 × 700,000 bytes = 1.75 × the quota, each well under the file limit
        byte[] document = UploadIntegrityTest.random(700_000);
        CyclicBarrier written = new CyclicBarrier(uploads + 1);
        CyclicBarrier measured = new CyclicBarrier(uploads + 1);
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        long ok;
        List<Future<Integer>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                String path = "/submit/annual-report/secretariat/in-flight-" + i + ".pdf";
                outcomes.add(pool.submit(() -> {
                    try (ClientSession session = exchange.login("calvera-officer"); SftpClient sftp = exchange.sftp(session)) {
                        CloseableHandle handle = sftp.open(path, UploadIntegrityTest.WRITE);
                        int status = SftpConstants.SSH_FX_OK;
                        try {
                            UploadIntegrityTest.writeSequentially(sftp, handle, document);
                        } catch (SftpException e) {
                            status = e.getStatus();
                            assertThat(e.getMessage()).startsWith("quota-exceeded: the account's storage quota would be exceeded");
                        }
                        written.await(60, TimeUnit.SECONDS); // every upload has written all it could, none closed yet
                        measured.await(60, TimeUnit.SECONDS);
                        UploadIntegrityTest.closeQuietly(sftp, handle);
                        return status;
                    }
                }));
            }
            written.await(60, TimeUnit.SECONDS);
            // the pen test's measure: what the account's open uploads hold on disk at once
            long held = bytesIn(exchange.home().resolve("blobs").resolve("tmp"));
            measured.await(60, TimeUnit.SECONDS);
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : outcomes) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(held).as("bytes the open uploads held at once (encrypted: a little more than written)").isLessThanOrEqualTo(QUOTA + 50_000L);
            // at most two of 700,000 fit in 2,000,000; bytes are reserved as they arrive, so the partial uploads
            // refused later may have crowded out a second whole one: at least one, never three
            ok = statuses.stream().filter(s -> s == SftpConstants.SSH_FX_OK).count();
            assertThat(ok).isBetween(1L, 2L);
            assertThat(statuses.stream().filter(s -> s == SftpConstants.SSH_FX_QUOTA_EXCEEDED).count()).isEqualTo(uploads - ok);
        } finally {
            pool.shutdownNow();
        }
        String filings = exchange.admin("filings", "--state", "CAL");
        assertThat(filings.lines().filter(l -> l.contains("in-flight-")).count()).as("every upload written whole is filed").isEqualTo(ok);
        // the refused ones left their notices
        try (ClientSession s = exchange.login("calvera-system"); SftpClient sftp = exchange.sftp(s)) {
            assertThat(SftpDropBoxTest.names(sftp, "/receipts/refused")).filteredOn(n -> n.contains("-in-flight-")).hasSize((int) (uploads - ok));
        }
    }

    @Test
    void anAccountHasAtMostItsCapOfUploadsInFlightAndAClosedOneFreesAPlace() throws Exception {
        try (ClientSession session = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(session);
                ClientSession other = exchange.login("sylvania-system"); SftpClient otherSftp = exchange.sftp(other)) {
            List<CloseableHandle> open = new ArrayList<>();
            for (int i = 0; i < CAP; i++) {
                CloseableHandle h = sftp.open("/submit/correspondence/secretariat/capped-" + i + ".txt", UploadIntegrityTest.WRITE);
                sftp.write(h, 0, new byte[] {'x'}, 0, 1);
                open.add(h);
            }
            assertThatThrownBy(() -> sftp.open("/submit/correspondence/secretariat/one-too-many.txt", UploadIntegrityTest.WRITE))
                    .isInstanceOfSatisfying(SftpException.class, e -> {
                        assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_QUOTA_EXCEEDED);
                        assertThat(e.getMessage()).isEqualTo("quota-exceeded: the account already has " + CAP
                                + " uploads in progress, the most it may have at once; wait for one to finish");
                    });
            // the cap is the account's, not the State's
            try (CloseableHandle h = otherSftp.open("/submit/correspondence/secretariat/other-account.txt", UploadIntegrityTest.WRITE)) {
                otherSftp.write(h, 0, new byte[] {'y'}, 0, 1);
            }
            open.remove(0).close(); // files capped-0.txt and frees a place
            try (CloseableHandle h = sftp.open("/submit/correspondence/secretariat/after-one-closed.txt", UploadIntegrityTest.WRITE)) {
                sftp.write(h, 0, new byte[] {'z'}, 0, 1);
            }
            for (CloseableHandle h : open) {
                h.close();
            }
        }
        String filings = exchange.admin("filings", "--state", "SYL");
        assertThat(filings).contains("capped-0.txt", "capped-5.txt", "other-account.txt", "after-one-closed.txt")
                .doesNotContain("one-too-many.txt");
    }

    @Test
    void belowTheFreeSpaceReserveNewUploadsAreRefusedAsStorageFullWhileReadsGoOn() throws Exception {
        Path home = tmp.resolve("reserve-home");
        byte[] earlier = UploadIntegrityTest.random(50_000);
        try (TestExchange plenty = TestExchange.start(home)) {
            try (ClientSession s = plenty.login("arcadia-officer"); SftpClient sftp = plenty.sftp(s)) {
                SftpDropBoxTest.upload(sftp, "/submit/annual-report/public/before.pdf", earlier);
            }
        }
        long free = Files.getFileStore(tmp).getUsableSpace();
        // the same home, now with a reserve larger than the disk's free space
        try (TestExchange scarce = TestExchange.start(home, c -> c.withLimits(c.limits().withUploadsInFlight(16, free + (1L << 30))))) {
            try (ClientSession s = scarce.login("arcadia-officer"); SftpClient sftp = scarce.sftp(s)) {
                assertThatThrownBy(() -> SftpDropBoxTest.upload(sftp, "/submit/annual-report/public/after.pdf", new byte[] {1}))
                        .isInstanceOfSatisfying(SftpException.class, e -> {
                            assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM);
                            assertThat(e.getMessage()).startsWith("storage-full: the server's storage is full; nothing was kept");
                        });
                // reads go on: the earlier filing, its receipt, the notice of the refusal
                assertThat(SftpDropBoxTest.download(sftp, "/submit/annual-report/public/before.pdf")).isEqualTo(earlier);
                assertThat(SftpDropBoxTest.names(sftp, "/receipts")).anyMatch(n -> n.endsWith(".p7s"));
                assertThat(SftpDropBoxTest.names(sftp, "/receipts/refused")).anyMatch(n -> n.endsWith("-after.pdf.txt"));
            }
            assertThat(scarce.admin("filings", "--state", "ARC")).contains("before.pdf").doesNotContain("after.pdf");
        }
    }
}
