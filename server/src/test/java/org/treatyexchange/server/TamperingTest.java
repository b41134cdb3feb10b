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
