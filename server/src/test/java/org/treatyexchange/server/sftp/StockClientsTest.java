package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.Receipt;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;

/**
 * The SFTP clients States run, with their default settings, against the demo configuration: each files a
 * report and fetches its receipt, which openssl verifies. OpenSSH's {@code sftp} and {@code ssh-keyscan},
 * PuTTY's {@code psftp} (the engine of the WinSCP family), {@code lftp}, Debian's paramiko and
 * {@code curl sftp://} (libssh2). A missing client fails the test: {@code .ci/run} installs them all.
 */
class StockClientsTest {

    @TempDir
    static Path tmp;

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    static final String ACCOUNT = "arcadia-officer";
    static final String FOLDER = "/submit/annual-report/states-parties/";

    @BeforeAll
    static void clientsAreInstalled() throws Exception {
        for (String tool : List.of("sftp", "ssh-keyscan", "psftp", "puttygen", "lftp", "curl", "/usr/bin/python3")) {
            Processes.Result r = Processes.run(tmp, List.of("sh", "-c", "command -v " + tool));
            assertThat(r.exitCode()).as(tool + " is not installed (.ci/run installs it)").isZero();
        }
        Processes.Result paramiko = Processes.run(tmp, List.of("/usr/bin/python3", "-c", "import paramiko"));
        assertThat(paramiko.exitCode()).as("Debian's python3-paramiko is not installed: " + paramiko.output()).isZero();
    }

    static Path key() {
        return exchange.demoKey(ACCOUNT);
    }

    static Path report(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new SecureRandom().nextBytes(bytes);
        Path file = tmp.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** The receipt of the newest filing named {@code name}, fetched with MINA, verified with openssl. */
    static Receipt receiptOf(Path fetchedReceipt, String name) throws Exception {
        Path content = tmp.resolve(fetchedReceipt.getFileName() + ".json");
        Processes.Result verify = Processes.opensslVerify(fetchedReceipt, exchange.server().receiptCertificate(), content);
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        Receipt receipt = ReceiptJson.fromBytes(Files.readAllBytes(content));
        assertThat(receipt.fileName()).isEqualTo(name);
        return receipt;
    }

    /** The id of the newest filing named {@code name}, from the admin CLI. */
    static String filingId(String name) {
        String listing = exchange.admin("filings", "--state", "ARC");
        return listing.lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no filing " + name + " in\n" + listing)).split(" ")[0];
    }

    @Test
    void sshKeyscanReturnsTheHostKeys() throws Exception {
        Processes.Result r = Processes.run(tmp, List.of("ssh-keyscan", "-p", Integer.toString(exchange.port()), "127.0.0.1"));
        List<String> keys = r.output().lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(keys).as(r.output()).anySatisfy(l -> assertThat(l).contains(" ssh-ed25519 "))
                .anySatisfy(l -> assertThat(l).contains(" ssh-rsa "));
        assertThat(r.output()).doesNotContain("disconnect");
    }

    @Test
    void openSshPutMinusPKeepsNothingButSucceeds() throws Exception {
        Path doc = report("put-p.pdf", 40_000);
        Path batch = tmp.resolve("put-p.batch");
        Files.write(batch, List.of("put -p " + doc + " " + FOLDER + "put-p.pdf", "ls -l /receipts"));
        Processes.Result r = Processes.run(tmp, List.of("sftp", "-b", batch.toString(), "-i", key().toString(), "-P",
                Integer.toString(exchange.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
                "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", ACCOUNT + "@127.0.0.1"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        // ls -l names the account and the State as owner and group
        assertThat(r.output()).contains(" " + ACCOUNT + " ").contains(" ARC ").doesNotContain("Principal[");
        filingId("put-p.pdf");
    }

    @Test
    void puttysPsftpFilesAReportAndFetchesItsReceipt() throws Exception {
        Path ppk = tmp.resolve("arcadia.ppk");
        Processes.Result convert = Processes.run(tmp, List.of("puttygen", key().toString(), "-O", "private", "-o", ppk.toString()));
        assertThat(convert.exitCode()).as(convert.output()).isZero();
        String hostKey = exchange.server().hostKeyFingerprints().stream().filter(f -> f.startsWith("ssh-ed25519")).findFirst().orElseThrow()
                .split(" ")[1];
        Path doc = report("psftp.pdf", 30_000);
        Path batch = tmp.resolve("psftp.batch");
        Files.write(batch, List.of("cd " + FOLDER, "put " + doc + " psftp.pdf", "quit"));
        Processes.Result put = Processes.run(tmp, List.of("psftp", "-batch", "-hostkey", hostKey, "-i", ppk.toString(), "-P",
                Integer.toString(exchange.port()), "-b", batch.toString(), "-l", ACCOUNT, "127.0.0.1"));
        assertThat(put.exitCode()).as(put.output()).isZero();
        Path receipt = tmp.resolve("psftp.p7s");
        Files.write(batch, List.of("get /receipts/" + filingId("psftp.pdf") + ".p7s " + receipt, "quit"));
        Processes.Result get = Processes.run(tmp, List.of("psftp", "-batch", "-hostkey", hostKey, "-i", ppk.toString(), "-P",
                Integer.toString(exchange.port()), "-b", batch.toString(), "-l", ACCOUNT, "127.0.0.1"));
        assertThat(get.exitCode()).as(get.output()).isZero();
        assertThat(receiptOf(receipt, "psftp.pdf").size()).isEqualTo(30_000);
    }

    @Test
    void lftpFilesAReportAndFetchesItsReceipt() throws Exception {
        Path doc = report("lftp.pdf", 25_000);
        String connect = "ssh -a -x -i " + key() + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes"
                + " -o BatchMode=yes -o LogLevel=ERROR";
        String url = "sftp://" + ACCOUNT + ":@127.0.0.1:" + exchange.port();
        Processes.Result put = Processes.run(tmp, List.of("lftp", "-c", "set sftp:connect-program \"" + connect + "\"; open " + url
                + "; put " + doc + " -o " + FOLDER + "lftp.pdf"));
        assertThat(put.exitCode()).as(put.output()).isZero();
        Path receipt = tmp.resolve("lftp.p7s");
        Processes.Result get = Processes.run(tmp, List.of("lftp", "-c", "set sftp:connect-program \"" + connect + "\"; open " + url
                + "; get /receipts/" + filingId("lftp.pdf") + ".p7s -o " + receipt));
        assertThat(get.exitCode()).as(get.output()).isZero();
        assertThat(receiptOf(receipt, "lftp.pdf").size()).isEqualTo(25_000);
    }

    @Test
    void debiansParamikoFilesAReportConfirmsItsSizeAndFetchesItsReceipt() throws Exception {
        Path doc = report("paramiko.pdf", 20_000);
        Path receipt = tmp.resolve("paramiko.p7s");
        Path script = tmp.resolve("paramiko_put.py");
        // put() confirms the size with a stat of the path just written, also where no level was said
        Files.writeString(script, String.join("\n",
                "import sys, paramiko",
                "key = paramiko.Ed25519Key.from_private_key_file(sys.argv[1])",
                "t = paramiko.Transport(('127.0.0.1', int(sys.argv[2])))",
                "t.connect(username='" + ACCOUNT + "', pkey=key)",
                "s = paramiko.SFTPClient.from_transport(t)",
                "print(s.put(sys.argv[3], '" + FOLDER + "paramiko.pdf', confirm=True).st_size)",
                "print(s.put(sys.argv[3], '/submit/annual-report/paramiko-instructed.pdf', confirm=True).st_size)",
                "names = [n for n in s.listdir('/receipts')]",
                "print(len(names))",
                "t.close()", ""));
        Processes.Result put = Processes.run(tmp, List.of("/usr/bin/python3", script.toString(), key().toString(),
                Integer.toString(exchange.port()), doc.toString()));
        assertThat(put.exitCode()).as(put.output()).isZero();
        assertThat(put.output().lines().limit(2).toList()).containsExactly("20000", "20000");
        try (ClientSession s = exchange.login(ACCOUNT); SftpClient sftp = exchange.sftp(s)) {
            Files.write(receipt, sftp.read("/receipts/" + filingId("paramiko.pdf") + ".p7s").readAllBytes());
        }
        assertThat(receiptOf(receipt, "paramiko.pdf").size()).isEqualTo(20_000);
    }

    @Test
    void curlWithLibssh2FilesAReportAndFetchesItsReceipt() throws Exception {
        Path doc = report("curl.pdf", 15_000);
        String base = "sftp://" + ACCOUNT + "@127.0.0.1:" + exchange.port();
        List<String> auth = List.of("-sS", "--insecure", "--key", key().toString(), "--pubkey", key() + ".pub");
        List<String> put = new ArrayList<>(List.of("curl"));
        put.addAll(auth);
        put.addAll(List.of("-T", doc.toString(), base + FOLDER + "curl.pdf"));
        Processes.Result r = Processes.run(tmp, put);
        assertThat(r.exitCode()).as(r.output()).isZero();
        Path receipt = tmp.resolve("curl.p7s");
        List<String> get = new ArrayList<>(List.of("curl"));
        get.addAll(auth);
        get.addAll(List.of("-o", receipt.toString(), base + "/receipts/" + filingId("curl.pdf") + ".p7s"));
        Processes.Result g = Processes.run(tmp, get);
        assertThat(g.exitCode()).as(g.output()).isZero();
        assertThat(receiptOf(receipt, "curl.pdf").size()).isEqualTo(15_000);
    }

    @Test
    void keepingTimesAndModesOnWhatTheSessionWroteIsAcceptedAndChangesNothing() throws Exception {
        try (ClientSession s = exchange.login(ACCOUNT); SftpClient sftp = exchange.sftp(s)) {
            String path = FOLDER + "winscp-style.pdf";
            try (OutputStream out = sftp.write(path)) {
                out.write("a report".getBytes(StandardCharsets.UTF_8));
            }
            String id = filingId("winscp-style.pdf");
            // WinSCP's default after an upload: set the local file's time and mode
            SftpClient.Attributes keep = new SftpClient.Attributes().modifyTime(FileTime.fromMillis(86_400_000L)).perms(0644);
            sftp.setStat(path, keep);
            assertThat(sftp.stat(path).getModifyTime().toMillis()).isNotEqualTo(86_400_000L);
            assertThat(filingId("winscp-style.pdf")).isEqualTo(id);
            // on a filing this session did not write, it stays refused
            try (ClientSession other = exchange.login(ACCOUNT); SftpClient again = exchange.sftp(other)) {
                assertThatThrownBy(() -> again.setStat(path, keep)).isInstanceOfSatisfying(SftpException.class,
                        e -> assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
            }
        }
    }

    @Test
    void anExclusiveCreateOfAnExistingNameAnswersFileExistsAndFilesNothing() throws Exception {
        try (ClientSession s = exchange.login(ACCOUNT); SftpClient sftp = exchange.sftp(s)) {
            String path = FOLDER + "exclusive.pdf";
            try (OutputStream out = sftp.write(path)) {
                out.write("first".getBytes(StandardCharsets.UTF_8));
            }
            int before = exchange.admin("filings", "--state", "ARC").split("\n").length;
            assertThatThrownBy(() -> sftp.open(path, EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Exclusive))).isInstanceOfSatisfying(SftpException.class,
                    e -> assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_FILE_ALREADY_EXISTS));
            assertThat(exchange.admin("filings", "--state", "ARC").split("\n")).hasSize(before);
        }
    }
}
