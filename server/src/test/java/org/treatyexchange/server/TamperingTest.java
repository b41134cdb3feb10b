package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.admin.AdminCli;
import org.treatyexchange.server.store.jdbc.DatabaseTampering;

/** An edited stored document and an edited audit row are both detected. */
class TamperingTest {

    @TempDir
    Path tmp;

    static String admin(Path home, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int code = AdminCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
        return code + "\n" + out;
    }

    static List<Path> blobs(Path home) throws IOException {
        try (Stream<Path> s = Files.walk(home.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).toList();
        }
    }

    @Test
    void anEditedStoredDocumentIsDetectedOnRead() throws Exception {
        try (TestExchange exchange = TestExchange.start(tmp.resolve("home"))) {
            try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s);
                    OutputStream out = sftp.write("/submit/annual-report/secretariat/report.pdf")) {
                out.write(new byte[200_000]);
            }
            List<Path> stored = blobs(exchange.home());
            assertThat(stored).hasSize(1);
            // at rest the document is not the plaintext
            assertThat(Files.readAllBytes(stored.get(0))).isNotEqualTo(new byte[200_000]);
            String id = admin(exchange.home(), "filings").lines().skip(1).findFirst().orElseThrow().split(" ")[0];

            // flip one bit in the middle of the ciphertext
            byte[] bytes = Files.readAllBytes(stored.get(0));
            bytes[bytes.length / 2] ^= 0x10;
            stored.get(0).toFile().setWritable(true, true);
            Files.write(stored.get(0), bytes, StandardOpenOption.TRUNCATE_EXISTING);

            Path target = tmp.resolve("export.pdf");
            String result = admin(exchange.home(), "export", id, "-o", target.toString());
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
            assertThat(admin(home, "verify-audit")).startsWith("0\n").contains("intact");
            Path db = home.resolve("db").resolve("exchange");

            exchange.stop();
            DatabaseTampering.editAuditSubject(db, 4, "forged");
            exchange.restart();
            assertThat(admin(home, "verify-audit")).startsWith("1\n").contains("BROKEN at event 4");
        }
    }

    @Test
    void aDeletedAuditRowIsNamed() throws Exception {
        Path home = tmp.resolve("home2");
        try (TestExchange exchange = TestExchange.start(home)) {
            try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s);
                    OutputStream out = sftp.write("/submit/correspondence/secretariat/note.txt")) {
                out.write("note".getBytes());
            }
            exchange.stop();
            DatabaseTampering.deleteAuditEvent(home.resolve("db").resolve("exchange"), 3);
            exchange.restart();
            assertThat(admin(home, "verify-audit")).startsWith("1\n").contains("BROKEN at event 3");
        }
    }

    @Test
    void swappedAuditRowsAreNamed() throws Exception {
        Path home = tmp.resolve("home3");
        try (TestExchange exchange = TestExchange.start(home)) {
            try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s);
                    OutputStream out = sftp.write("/submit/correspondence/secretariat/note.txt")) {
                out.write("note".getBytes());
            }
            exchange.stop();
            DatabaseTampering.swapAuditEvents(home.resolve("db").resolve("exchange"), 2, 3);
            exchange.restart();
            assertThat(admin(home, "verify-audit")).startsWith("1\n").contains("BROKEN at event 2");
        }
    }
}
