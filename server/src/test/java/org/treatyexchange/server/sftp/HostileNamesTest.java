package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.sftp.SftpDropBoxTest.download;
import static org.treatyexchange.server.sftp.SftpDropBoxTest.names;
import static org.treatyexchange.server.sftp.SftpDropBoxTest.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;

/**
 * Hostile names and paths on every SFTP operation: traversal in its encodings, absolute, Windows and
 * UNC paths, NUL, overlong names and paths, Unicode normalisation and look-alikes, template and lookup
 * strings. Each is refused or stored verbatim (never interpreted, never outside the tree); a path
 * outside the tree, including the real host path of the server's key store, answers exactly like a
 * missing file; no answer carries a host path or an exception text.
 */
class HostileNamesTest {

    static final String DROP = "/submit/correspondence/secretariat/";

    /** Names that try to leave the tree or address the host, in every spelling. */
    static final List<String> TRAVERSALS = List.of("..", "../x.pdf", "../../../../etc/passwd", "..\\..\\x.pdf", "..%2f..%2fetc%2fpasswd",
            "%2e%2e/%2e%2e/etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd", "..%c0%af..%c0%afetc/passwd",
            "..%5c..%5cx.pdf", "\u2025/etc/passwd", "\uFF0E\uFF0E\uFF0Fetc\uFF0Fpasswd", ".\u002E/x.pdf", "...//....//etc/passwd");
    static final List<String> HOST_PATHS = List.of("/etc/passwd", "/proc/self/environ", "//etc/passwd", "/./../etc/passwd",
            "C:\\Windows\\win.ini", "C:/Windows/win.ini", "\\\\server\\share\\x.pdf", "file:///etc/passwd", "~root/.ssh/id_rsa",
            "~/.ssh/authorized_keys");
    /** Names that a naive server might interpret. */
    static final List<String> TEMPLATES = List.of("{{7*7}}.pdf", "${7*7}.pdf", "#{7*7}.pdf", "${jndi:ldap://127.0.0.1:1/a}.pdf",
            "${jndi:dns:attacker.example}.pdf", "${env:EXCHANGE_MASTER_PASSWORD}.pdf", "%PATH%.pdf", "%s%s%s%n.pdf", "$(id).pdf", "`id`.pdf", "a;rm -rf ~.pdf",
            "<script>alert(1)</script>.pdf", "'; DROP TABLE filing;--.pdf", "*.pdf", "?.pdf", "[ab].pdf");
    static final List<String> ODD = List.of("x\u0000.pdf", "x.pdf\u0000.txt", "x".repeat(256) + ".pdf", "a/".repeat(3000) + "x.pdf",
            "e\u0301t\u00e9.pdf", "\u0430nnual-report.pdf", "CON", "nul.pdf", "x.pdf.", " x.pdf", "x\r\n.pdf", "\u202Efdp.exe",
            "\uFEFFx.pdf", "\uDB80\uDC00.pdf");


    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    static List<String> allHostile() {
        List<String> all = new ArrayList<>();
        all.addAll(TRAVERSALS);
        all.addAll(HOST_PATHS);
        all.addAll(TEMPLATES);
        all.addAll(ODD);
        return all;
    }

    @Test
    void pathsOutsideTheTreeAnswerExactlyLikeAMissingFile() throws Exception {
        String keystore = exchange.home().resolve("keys").resolve("master.p12").toString();
        List<String> outside = new ArrayList<>(HOST_PATHS);
        outside.add(keystore);
        outside.add("/.." + keystore);
        for (String t : TRAVERSALS) {
            outside.add("/" + t);
            outside.add("/receipts/" + t);
        }
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s)) {
            Map<String, Integer> missing = readAnswers(sftp, "/receipts/no-such-receipt.p7s");
            assertThat(missing.values()).allMatch(v -> v == SftpConstants.SSH_FX_NO_SUCH_FILE);
            for (String p : outside) {
                Map<String, Integer> answers = readAnswers(sftp, p);
                // '..' may resolve to a folder of the tree (the root): then it is not outside; else it is missing
                if (!answers.get("stat").equals(0)) {
                    assertThat(answers).as(p).isEqualTo(missing);
                }
            }
        }
    }

    @Test
    void noReadOperationReachesBeyondTheTreeOrRevealsAHostPath() throws Exception {
        try (ClientSession s = exchange.login("borealia-system"); SftpClient sftp = exchange.sftp(s)) {
            List<String> topLevel = names(sftp, "/");
            for (String name : allHostile()) {
                for (String p : List.of(name, "/" + name, "/receipts/" + name, DROP + name, "/public/" + name)) {
                    for (Map.Entry<String, Answer> e : readOperations(sftp, p).entrySet()) {
                        Answer a = e.getValue();
                        assertThat(a.exceptionText()).as(e.getKey() + " " + p).doesNotContain(exchange.home().toString())
                                .doesNotContain("Exception").doesNotContain("/etc/").doesNotContain("root:");
                    }
                    // whatever realpath makes of it, it is a path of the virtual tree: absolute, without '..',
                    // and it exists only under one of the account's folders
                    Answer canonical = answer(() -> sftp.canonicalPath(p));
                    if (canonical.value() != null) {
                        String c = canonical.value();
                        assertThat(c).as(p).startsWith("/").doesNotContain("/../").doesNotEndWith("/..")
                                .doesNotStartWith(exchange.home().toString());
                        String first = c.length() > 1 ? c.substring(1).split("/")[0] : "";
                        if (answer(() -> sftp.stat(c)).status() == 0) {
                            assertThat(first.isEmpty() || topLevel.contains(first)).as(p + " -> " + c).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyMutationWithAHostileNameIsRefusedAndChangesNothing() throws Exception {
        try (ClientSession s = exchange.login("sylvania-officer"); SftpClient sftp = exchange.sftp(s)) {
            String real = DROP + "real.pdf";
            upload(sftp, real, "real".getBytes(StandardCharsets.UTF_8));
            Map<String, Long> before = tree(sftp, "/");
            for (String name : allHostile()) {
                for (String p : List.of(name, "/" + name, "/receipts/" + name, DROP + name)) {
                    SftpClient.Attributes attrs = new SftpClient.Attributes();
                    attrs.setPermissions(0777);
                    Map<String, Answer> answers = new LinkedHashMap<>();
                    answers.put("remove", answer(() -> sftp.remove(p)));
                    answers.put("rename from", answer(() -> sftp.rename(p, DROP + "renamed.pdf")));
                    answers.put("rename to", answer(() -> sftp.rename(real, p)));
                    answers.put("mkdir", answer(() -> sftp.mkdir(p)));
                    answers.put("rmdir", answer(() -> sftp.rmdir(p)));
                    answers.put("setstat", answer(() -> sftp.setStat(p, attrs)));
                    answers.put("symlink to", answer(() -> sftp.symLink(DROP + "link.pdf", p)));
                    answers.put("symlink at", answer(() -> sftp.symLink(p, real)));
                    for (Map.Entry<String, Answer> e : answers.entrySet()) {
                        // a status from the server: a client-side exception (-1) is no proof that the server refused
                        assertThat(e.getValue().status()).as(e.getKey() + " " + p + ": the server's refusal").isPositive();
                        assertThat(e.getValue().exceptionText()).as(e.getKey() + " " + p).doesNotContain(exchange.home().toString())
                                .doesNotContain("Exception");
                    }
                }
            }
            assertThat(tree(sftp, "/")).isEqualTo(before);
        }
    }

    @Test
    void anUploadWithAHostileNameIsRefusedOrStoredVerbatimInItsFolder() throws Exception {
        List<String> stored = new ArrayList<>();
        try (ClientSession s = exchange.login("calvera-system"); SftpClient sftp = exchange.sftp(s)) {
            Map<String, Long> before = tree(sftp, "/");
            for (String name : allHostile()) {
                byte[] content = ("content of " + name).getBytes(StandardCharsets.UTF_8);
                Answer a = answer(() -> upload(sftp, DROP + name, content));
                assertThat(a.exceptionText()).as(name).doesNotContain(exchange.home().toString()).doesNotContain("Exception");
                if (a.status() == 0) {
                    String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
                    assertThat(names(sftp, DROP)).as(name).contains(nfc);
                    assertThat(download(sftp, DROP + nfc)).as(name).isEqualTo(content);
                    stored.add(nfc);
                }
            }
            // every new entry of the tree is one of the stored names, in the drop folder or as its receipt
            Map<String, Long> after = tree(sftp, "/");
            List<String> added = after.keySet().stream().filter(k -> !before.containsKey(k)).toList();
            for (String path : added) {
                assertThat(path).as("a new entry of the tree").matches(p -> p.startsWith(DROP) && stored.contains(p.substring(DROP.length()))
                        || p.startsWith("/receipts/"), "in the drop folder under a stored name, or a receipt");
            }
        }
        // the template and lookup strings are stored as typed: nothing evaluated them
        assertThat(stored).contains("{{7*7}}.pdf", "${jndi:dns:attacker.example}.pdf", "${env:EXCHANGE_MASTER_PASSWORD}.pdf",
                "%PATH%.pdf", "$(id).pdf");
        String listing = exchange.admin("filings", "--state", "CAL");
        assertThat(listing).contains("{{7*7}}.pdf").contains("${jndi:dns:attacker.example}.pdf").doesNotContain("49.pdf")
                .doesNotContain(TestExchange.PASSWORD);
        // and everything that tries to leave the folder or hides what it is was refused
        for (String refused : List.of("../x.pdf", "${jndi:ldap://127.0.0.1:1/a}.pdf", "..\\..\\x.pdf", "x\u0000.pdf", "x".repeat(256) + ".pdf", "\u202Efdp.exe",
                "\uFEFFx.pdf", "x\r\n.pdf", " x.pdf", "C:\\Windows\\win.ini", "/etc/passwd")) {
            assertThat(stored).as(refused).doesNotContain(Normalizer.normalize(refused, Normalizer.Form.NFC));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    record Answer(int status, String exceptionText, String value) {
    }

    interface Call {
        Object run() throws IOException;
    }

    interface VoidCall {
        void run() throws IOException;
    }

    static Answer answer(VoidCall call) {
        return answer(() -> {
            call.run();
            return null;
        });
    }

    static Answer answer(Call call) {
        try {
            Object v = call.run();
            return new Answer(0, "", v == null ? null : v.toString());
        } catch (SftpException e) {
            return new Answer(e.getStatus(), String.valueOf(e.getMessage()), null);
        } catch (IOException | RuntimeException e) {
            // a client-side failure (e.g. a name the client cannot encode): the server said nothing, so it never counts as a refusal
            return new Answer(-1, "", null);
        }
    }

    static Map<String, Answer> readOperations(SftpClient sftp, String p) {
        Map<String, Answer> out = new LinkedHashMap<>();
        out.put("stat", answer(() -> sftp.stat(p)));
        out.put("lstat", answer(() -> sftp.lstat(p)));
        out.put("open", answer(() -> {
            try (InputStream in = sftp.read(p)) {
                return in.read();
            }
        }));
        out.put("opendir", answer(() -> {
            sftp.close(sftp.openDir(p));
            return null;
        }));
        out.put("readlink", answer(() -> sftp.readLink(p)));
        return out;
    }

    static Map<String, Integer> readAnswers(SftpClient sftp, String p) {
        Map<String, Integer> out = new LinkedHashMap<>();
        readOperations(sftp, p).forEach((k, v) -> out.put(k, v.status()));
        return out;
    }

    /** Every path of the account's tree with its size (directories: -1). */
    static Map<String, Long> tree(SftpClient sftp, String dir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (SftpClient.DirEntry e : sftp.readDir(dir)) {
            String n = e.getFilename();
            if (n.equals(".") || n.equals("..")) {
                continue;
            }
            String p = (dir.endsWith("/") ? dir : dir + "/") + n;
            if (e.getAttributes().isDirectory()) {
                out.put(p, -1L);
                out.putAll(tree(sftp, p));
            } else {
                out.put(p, e.getAttributes().getSize());
            }
        }
        return out;
    }
}
