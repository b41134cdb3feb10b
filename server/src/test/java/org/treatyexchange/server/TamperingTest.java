package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.store.jdbc.DatabaseTampering;

/** An edited stored document and an edited audit row are both detected. */
class TamperingTest {

    @TempDir
    Path tmp;

    static List<Path> blobs(Path home) throws IOException {
        try (Stream<Path> s = Files.walk(home.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).toList();
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void anEditedStoredDocumentIsDetectedOnRead() throws Exception {
        byte[] plain = new byte[200_000];
        new java.security.SecureRandom().nextBytes(plain);
        try (TestExchange exchange = TestExchange.start(tmp.resolve("home"))) {
            try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s);
                    OutputStream out = sftp.write("/submit/annual-report/secretariat/report.pdf")) {
                out.write(plain);
            }
            List<Path> stored = blobs(exchange.home());
            assertThat(stored).hasSize(1);
            // At rest no part of the plaintext appears: a stored plaintext (even behind a header, or with a
            // changed length) would contain these 32-byte slices of it.
            byte[] atRest = Files.readAllBytes(stored.get(0));
            for (int at : new int[] {0, plain.length / 2, plain.length - 32}) {
                assertThat(indexOf(atRest, java.util.Arrays.copyOfRange(plain, at, at + 32))).as("plaintext bytes %d.. at rest", at)
                        .isEqualTo(-1);
            }
            String id = exchange.admin("filings").lines().skip(1).findFirst().orElseThrow().split(" ")[0];

            // flip one bit in the middle of the ciphertext
            byte[] bytes = Files.readAllBytes(stored.get(0));
            bytes[bytes.length / 2] ^= 0x10;
            stored.get(0).toFile().setWritable(true, true);
            Files.write(stored.get(0), bytes, StandardOpenOption.TRUNCATE_EXISTING);

            Path target = tmp.resolve("export.pdf");
            String result = exchange.admin("export", id, "-o", target.toString());
            assertThat(result).startsWith("1\n").contains("integrity");
            assertThat(target).doesNotExist();
            try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s)) {
                assertThatThrownBy(() -> {
                    try (InputStream in = sftp.read("/submit/annual-report/secretariat/report.pdf")) {
                        in.readAllBytes();
                    }
                }).isInstanceOf(IOException.class);
            }
        }
    }

    /**
     * A download that the vault decrypts ahead of the client (issue 22: the stock client keeps 64 reads
     * in flight, so the server has segments past the tampered one decrypted before it reaches it) still
     * fails at the tampered segment, and hands out no byte of it.
     */
    @Test
    void aTamperedSegmentFailsADownloadThatIsDecryptedAhead() throws Exception {
        int segment = 64 * 1024;
        int tamperedSegment = 12;
        byte[] plain = new byte[23 * segment + 1000];
        new java.security.SecureRandom().nextBytes(plain);
        try (TestExchange exchange = TestExchange.start(tmp.resolve("home4"))) {
            String path = "/submit/annual-report/secretariat/large-report.pdf";
            try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s);
                    OutputStream out = sftp.write(path)) {
                out.write(plain);
            }
            Path blob = blobs(exchange.home()).get(0);
            byte[] bytes = Files.readAllBytes(blob);
            bytes[16 + tamperedSegment * (segment + 16) + 5000] ^= 0x10; // inside segment 12's ciphertext
            blob.toFile().setWritable(true, true);
            Files.write(blob, bytes, StandardOpenOption.TRUNCATE_EXISTING);

            // MINA's client, reading in order: every byte before segment 12 is right, then the read fails
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s)) {
                assertThatThrownBy(() -> {
                    try (InputStream in = sftp.read(path)) {
                        in.transferTo(got);
                    }
                }).isInstanceOf(org.apache.sshd.sftp.common.SftpException.class)
                        .satisfies(e -> assertThat(((org.apache.sshd.sftp.common.SftpException) e).getStatus())
                                .isEqualTo(org.apache.sshd.sftp.common.SftpConstants.SSH_FX_FAILURE));
            }
            assertThat(got.size()).isLessThanOrEqualTo(tamperedSegment * segment);
            assertThat(got.toByteArray()).isEqualTo(java.util.Arrays.copyOf(plain, got.size()));

            // the stock OpenSSH client, 64 requests in flight: the transfer fails
            Path back = tmp.resolve("back.pdf");
            Path batch = tmp.resolve("get.txt");
            Files.write(batch, List.of("get " + path + " " + back));
            Processes.Result get = Processes.run(tmp, List.of("sftp", "-b", batch.toString(), "-i",
                    exchange.demoKey("arcadia-officer").toString(), "-P", Integer.toString(exchange.port()),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
                    "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "arcadia-officer@127.0.0.1"));
            assertThat(get.exitCode()).as(get.output()).isNotZero();
            if (Files.exists(back)) {
                byte[] partial = Files.readAllBytes(back);
                int from = tamperedSegment * segment;
                int to = Math.min(partial.length, from + segment);
                for (int i = from; i < to; i++) {
                    assertThat(partial[i]).as("byte %d, in the tampered segment", i).isZero(); // a hole, never data
                }
            }
        }
    }

    @Test
    void anEditedDeletedOrReorderedAuditRowIsNamed() throws Exception {
        Path home = tmp.resolve("home");
        try (TestExchange exchange = TestExchange.start(home)) {
            for (int i = 0; i < 3; i++) {
                try (ClientSession s = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(s);
                        OutputStream out = sftp.write("/submit/correspondence/secretariat/letter-" + i + ".txt")) {
                    out.write(("letter " + i).getBytes());
                }
            }
            assertThat(exchange.admin("verify-audit")).startsWith("0\n").contains("intact");
            Path db = home.resolve("db").resolve("exchange");

            exchange.stop();
            DatabaseTampering.editAuditSubject(db, 4, "forged");
            exchange.restartOnBrokenChain(); // refused without it (ProvableHistoryTest)
            assertThat(exchange.admin("verify-audit")).startsWith("1\n").contains("BROKEN at event 4");
        }
    }

    @FunctionalInterface
    interface Tampering {
        void apply(Path database) throws Exception;
    }

    /** Files a note, stops the server, tampers with its database, restarts it, and returns verify-audit's answer. */
    private String verifyAfter(String homeName, Tampering tampering) throws Exception {
        Path home = tmp.resolve(homeName);
        try (TestExchange exchange = TestExchange.start(home)) {
            try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s);
                    OutputStream out = sftp.write("/submit/correspondence/secretariat/note.txt")) {
                out.write("note".getBytes());
            }
            exchange.stop();
            tampering.apply(home.resolve("db").resolve("exchange"));
            exchange.restartOnBrokenChain();
            return exchange.admin("verify-audit");
        }
    }

    @Test
    void aDeletedAuditRowIsNamed() throws Exception {
        assertThat(verifyAfter("home2", db -> DatabaseTampering.deleteAuditEvent(db, 3))).startsWith("1\n").contains("BROKEN at event 3");
    }

    @Test
    void swappedAuditRowsAreNamed() throws Exception {
        assertThat(verifyAfter("home3", db -> DatabaseTampering.swapAuditEvents(db, 2, 3))).startsWith("1\n").contains("BROKEN at event 2");
    }
}
