package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;

/**
 * An online backup taken while uploads go on, restored into a fresh home by the admin CLI: every
 * filing that existed when the backup was taken is there, decrypts to its SHA-256, and the audit
 * chain verifies. Incomplete backups and occupied homes are refused with nothing changed.
 */
class BackupRestoreTest {

    @TempDir
    Path tmp;

    @Test
    void anOnlineBackupRestoresIntoAFreshHomeWithEveryFilingAndAnIntactAuditChain() throws Exception {
        Map<String, String> shaByName = new TreeMap<>();
        Map<String, String> filedBeforeBackup; // filing id -> SHA-256
        Path backup = tmp.resolve("backup");
        AtomicInteger uploadedDuringBackup = new AtomicInteger();
        try (TestExchange exchange = TestExchange.start(tmp.resolve("home"))) {
            for (int i = 0; i < 4; i++) {
                upload(exchange, i % 2 == 0 ? "arcadia-officer" : "borealia-officer", "before-" + i + ".pdf", shaByName);
            }
            String first = filings(exchange).keySet().iterator().next();
            assertThat(exchange.admin("release", first)).startsWith("0\n");
            assertThat(exchange.admin("rotate-master-key")).startsWith("0\n"); // the backup must carry old and new master keys
            upload(exchange, "arcadia-officer", "after-rotation.pdf", shaByName);
            filedBeforeBackup = filings(exchange);

            // uploads go on while the backup is taken
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> uploaderFailed = new AtomicReference<>();
            Thread uploader = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    try {
                        upload(exchange, "sylvania-officer", "during-" + n++ + ".pdf", shaByName);
                        uploadedDuringBackup.incrementAndGet();
                    } catch (Exception | Error e) {
                        uploaderFailed.set(e); // an upload refused or broken by the backup fails the test below
                        return;
                    }
                }
            });
            uploader.start();
            String taken;
            try {
                taken = exchange.admin("backup", "-o", backup.toString());
            } finally {
                stop.set(true);
                uploader.join();
            }
            assertThat(uploaderFailed.get()).as("an upload during the backup failed").isNull();
            assertThat(uploadedDuringBackup.get()).as("uploads that went on during the backup").isPositive();
            assertThat(taken).startsWith("0\n").contains("backup taken at");
            assertThat(backup.resolve("backup.json")).isRegularFile();
            assertThat(backup.resolve("keys/master.p12")).isRegularFile();

            // a second backup into the same directory is refused and changes nothing
            long files = Files.walk(backup).count();
            assertThat(exchange.admin("backup", "-o", backup.toString())).startsWith("6\n").contains("refused (conflict)").contains("exists already");
            assertThat(Files.walk(backup).count()).isEqualTo(files);
        }
        synchronized (shaByName) {
            assertThat(shaByName).hasSizeGreaterThan(5);
        }

        // an incomplete backup (no manifest) is refused and leaves no home
        Path incomplete = tmp.resolve("incomplete");
        copyTree(backup, incomplete);
        Files.delete(incomplete.resolve("backup.json"));
        ProcessClients.AdminResult refused = ProcessClients.admin(tmp.resolve("unused"), "restore", "--from", incomplete.toString(),
                "--to", tmp.resolve("from-incomplete").toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.output()).contains("not a complete backup");
        assertThat(tmp.resolve("from-incomplete")).doesNotExist();

        // a backup whose database refers to a missing document is refused, and nothing is left behind
        Path damaged = tmp.resolve("damaged");
        copyTree(backup, damaged);
        try (var blobs = Files.walk(damaged.resolve("blobs"))) {
            Path one = blobs.filter(Files::isRegularFile).filter(p -> !p.getParent().endsWith("tmp")).findFirst().orElseThrow();
            Files.delete(one);
        }
        ProcessClients.AdminResult damagedResult = ProcessClients.admin(tmp.resolve("unused"), "restore", "--from", damaged.toString(),
                "--to", tmp.resolve("from-damaged").toString());
        assertThat(damagedResult.code()).as(damagedResult.output()).isEqualTo(1);
        assertThat(tmp.resolve("from-damaged")).doesNotExist();
        assertThat(tmp.resolve("from-damaged.restoring")).doesNotExist();

        Path restoredHome = tmp.resolve("restored");
        ProcessClients.AdminResult restored = ProcessClients.admin(tmp.resolve("unused"), "restore", "--from", backup.toString(),
                "--to", restoredHome.toString());
        assertThat(restored.code()).as(restored.output()).isZero();
        assertThat(restored.output()).contains("audit chain intact");
        // restoring over an existing home is refused
        assertThat(ProcessClients.admin(tmp.resolve("unused"), "restore", "--from", backup.toString(), "--to", restoredHome.toString())
                .output()).contains("exists already");

        try (TestExchange again = TestExchange.start(restoredHome)) {
            Map<String, String> after = filings(again);
            assertThat(after).containsAllEntriesOf(filedBeforeBackup);
            for (Map.Entry<String, String> f : after.entrySet()) {
                Path out = tmp.resolve("export-" + f.getKey());
                assertThat(again.admin("export", f.getKey(), "-o", out.toString())).startsWith("0\n");
                String sha = CrashHarness.sha256(Files.readAllBytes(out));
                assertThat(sha).as("filing %s decrypts to what was filed", f.getKey()).isEqualTo(f.getValue());
            }
            synchronized (shaByName) {
                assertThat(after.values()).allMatch(shaByName::containsValue);
            }
            assertThat(again.admin("verify-audit")).startsWith("0\n").contains("audit chain intact");
            Path audit = tmp.resolve("audit.jsonl");
            assertThat(again.admin("export-audit", "-o", audit.toString())).startsWith("0\n");
            assertThat(Files.readString(audit)).contains("\"type\":\"admin.restore\"");
            assertThat(again.admin("show", first(filedBeforeBackup))).contains("\"status\" : \"released\"");
        }
    }

    private static String first(Map<String, String> m) {
        return m.keySet().iterator().next();
    }

    /** Filing id to recorded SHA-256, for every filing. */
    private static Map<String, String> filings(TestExchange exchange) throws Exception {
        String list = exchange.admin("filings");
        assertThat(list).startsWith("0\n");
        Map<String, String> out = new TreeMap<>();
        for (String line : list.substring(2).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String id = line.trim().split("\\s+")[0];
            String shown = exchange.admin("show", id);
            JsonNode f = new ObjectMapper().readTree(shown.substring(shown.indexOf('{'))).path("filing");
            out.put(id, f.path("sha256").asText());
        }
        return out;
    }

    private static void upload(TestExchange exchange, String account, String name, Map<String, String> shaByName) throws Exception {
        byte[] content = new byte[ThreadLocalRandom.current().nextInt(1, 200_000)];
        ThreadLocalRandom.current().nextBytes(content);
        try (ClientSession session = exchange.login(account); SftpClient sftp = exchange.sftp(session);
                OutputStream out = sftp.write("/submit/annual-report/states-parties/" + name)) {
            out.write(content);
        }
        synchronized (shaByName) {
            shaByName.put(name, CrashHarness.sha256(content));
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
