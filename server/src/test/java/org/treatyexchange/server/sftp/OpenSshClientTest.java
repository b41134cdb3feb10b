package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;

/** A State files a report with the stock OpenSSH {@code sftp}, exactly as the README shows. */
class OpenSshClientTest {

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    /** Runs the stock sftp client in batch mode (it stops at the first failing command). */
    static Processes.Result sftp(String account, String... commands) throws Exception {
        Path batch = Files.createTempFile(tmp, "batch", ".txt");
        Files.write(batch, List.of(commands));
        List<String> cmd = new ArrayList<>(List.of("sftp", "-b", batch.toString(), "-i", exchange.demoKey(account).toString(),
                "-P", Integer.toString(exchange.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", account + "@127.0.0.1"));
        return Processes.run(tmp, cmd);
    }

    @Test
    void stockSftpFilesAReportAndFetchesItsReceipt() throws Exception {
        byte[] report = new byte[1_500_000];
        new SecureRandom().nextBytes(report);
        Path local = tmp.resolve("annual-report-2025.pdf");
        Files.write(local, report);

        Processes.Result put = sftp("arcadia-officer", "cd /submit/annual-report/public", "put " + local, "ls -l", "ls /receipts");
        assertThat(put.exitCode()).as(put.output()).isZero();
        assertThat(put.output()).contains("annual-report-2025.pdf");
        String receiptName = put.output().lines().map(String::strip).filter(l -> l.endsWith(".p7s"))
                .map(l -> l.substring(l.lastIndexOf('/') + 1)).findFirst().orElseThrow();

        Path fetched = tmp.resolve("receipt.p7s");
        Processes.Result get = sftp("arcadia-officer", "get /receipts/" + receiptName + " " + fetched);
        assertThat(get.exitCode()).as(get.output()).isZero();

        Path content = tmp.resolve("receipt.json");
        Processes.Result verify = Processes.opensslVerify(fetched, exchange.server().receiptCertificate(), content);
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("Verification successful");
        Receipt receipt = ReceiptJson.fromBytes(Files.readAllBytes(content));
        assertThat(receipt.fileName()).isEqualTo("annual-report-2025.pdf");
        assertThat(receipt.size()).isEqualTo(report.length);
        assertThat(receipt.state()).isEqualTo("ARC");

        // a receipt with one flipped byte no longer verifies
        byte[] tampered = Files.readAllBytes(fetched);
        tampered[tampered.length / 2] ^= 0x01;
        Path bad = tmp.resolve("tampered.p7s");
        Files.write(bad, tampered);
        assertThat(Processes.opensslVerify(bad, exchange.server().receiptCertificate(), tmp.resolve("x.json")).exitCode()).isNotZero();

        // the State downloads its own filing back, decrypted
        Path back = tmp.resolve("back.pdf");
        Processes.Result download = sftp("arcadia-officer", "get /submit/annual-report/public/annual-report-2025.pdf " + back);
        assertThat(download.exitCode()).as(download.output()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(report);
    }

    @Test
    void stockSftpIsRefusedOutsideTheDropFolders() throws Exception {
        Path local = tmp.resolve("x.txt");
        Files.writeString(local, "x");
        // The server is there and answers this account (so a refusal below is its answer, not an unreachable server).
        assertThat(sftp("arcadia-officer", "ls /receipts").exitCode()).isZero();
        for (String target : List.of("/x.txt", "../../x.txt", "/receipts/x.txt", "/etc/x.txt")) {
            Processes.Result r = sftp("arcadia-officer", "put " + local + " " + target);
            assertThat(r.exitCode()).as(target + ": " + r.output()).isNotZero();
            // the server refused the open: sftp prints its status for the remote path
            assertThat(r.output()).as(target).containsPattern("(?i)(remote|dest) open.*(permission denied|no such file|failure)");
        }
        Processes.Result r = sftp("arcadia-officer", "symlink /submit /submit/annual-report/public/link");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).containsPattern("(?i)symlink.*(permission denied|unsupported|failure)");
        r = sftp("arcadia-officer", "ls /receipts");
        assertThat(r.output()).doesNotContain("x.txt");
    }

    @Test
    void noShellNoExecNoScp() throws Exception {
        List<String> ssh = List.of("ssh", "-i", exchange.demoKey("arcadia-officer").toString(), "-p", Integer.toString(exchange.port()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "arcadia-officer@127.0.0.1");
        List<String> exec = new ArrayList<>(ssh);
        exec.add("id");
        Processes.Result r = Processes.run(tmp, exec);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).doesNotContain("uid=");
        // logged in, then refused by the server: not a connection failure
        assertThat(r.output()).containsPattern("(?i)exec request failed").doesNotContainPattern("(?i)connection refused|permission denied");

        List<String> shell = new ArrayList<>(ssh);
        shell.add(1, "-tt");
        r = Processes.run(tmp, shell);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).containsPattern("(?i)(shell|pty allocation) request failed").doesNotContainPattern("(?i)connection refused");

        Path local = tmp.resolve("scp.txt");
        Files.writeString(local, "scp");
        r = Processes.run(tmp, List.of("scp", "-O", "-i", exchange.demoKey("arcadia-officer").toString(), "-P",
                Integer.toString(exchange.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
                "BatchMode=yes", local.toString(), "arcadia-officer@127.0.0.1:/submit/annual-report/public/scp.txt"));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).doesNotContainPattern("(?i)connection refused|permission denied \\(");
    }
}
