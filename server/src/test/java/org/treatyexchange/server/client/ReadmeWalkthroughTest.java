package org.treatyexchange.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;

/**
 * README.md's shell walkthroughs, run as written against a real demo server: every {@code ```sh} block right
 * after a {@code <!-- walkthrough: NAME -->} line, the blocks of one walkthrough joined in order and run by
 * bash from a folder laid out like the repository's top ({@code data/} is the server's home, {@code config/} a
 * copy of the demo's, {@code scripts/admin} and {@code scripts/exchange} run the built classes as the real
 * scripts do). Only the ports differ: 2222 and 8443 become the test server's.
 */
class ReadmeWalkthroughTest {

    private static final Path README = TestExchange.REPO.resolve("README.md");
    private static final String MARK = "<!-- walkthrough: ";

    @TempDir
    static Path top;

    static TestExchange exchange;

    @BeforeAll
    static void start() throws Exception {
        Path registry = Files.createDirectories(top.resolve("config")).resolve("registry.yaml");
        Files.copy(TestExchange.REPO.resolve("config/registry.yaml"), registry);
        exchange = TestExchange.start(top.resolve("data"), c -> TestExchange.withRegistry(c, registry));
        Path scripts = Files.createDirectories(top.resolve("scripts"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // as scripts/exchange and scripts/admin run the built classes; paths in arguments stay relative to the caller's folder
        script(scripts.resolve("exchange"), "exec '" + java + "' -cp '" + classPath + "' org.treatyexchange.sdk.cli.ExchangeCli \"$@\"");
        script(scripts.resolve("admin"), "export EXCHANGE_HOME=\"${EXCHANGE_HOME:-" + top.resolve("data") + "}\"\nexec '" + java
                + "' -cp '" + classPath + "' org.treatyexchange.server.admin.AdminCli \"$@\"");
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\nset -euo pipefail\numask 077\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    /** The README's walkthrough blocks by name, in the README's order. */
    static Map<String, List<String>> walkthroughs() throws IOException {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(README);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith(MARK)) {
                continue;
            }
            String name = line.substring(MARK.length(), line.indexOf(" -->"));
            assertThat(lines.get(i + 1)).as("the line after %s", line).isEqualTo("```sh");
            StringBuilder block = new StringBuilder();
            int j = i + 2;
            for (; !lines.get(j).equals("```"); j++) {
                block.append(lines.get(j)).append('\n');
            }
            blocks.computeIfAbsent(name, k -> new ArrayList<>()).add(block.toString());
            i = j;
        }
        return blocks;
    }

    /** Runs one walkthrough in a fresh bash from the top folder; returns what it printed (stdout and stderr). */
    private static String run(String name) throws Exception {
        List<String> blocks = walkthroughs().get(name);
        assertThat(blocks).as("README walkthrough " + name).isNotEmpty();
        String script = String.join("\n", blocks)
                .replaceAll("\\b2222\\b", Integer.toString(exchange.port()))
                .replaceAll("\\b8443\\b", Integer.toString(exchange.server().apiPort()));
        Path log = top.resolve(name + ".log");
        Process p = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + script).directory(top.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        boolean finished = p.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        // kept for the reader of a failed build, and as the real output the README quotes
        Files.copy(log, Files.createDirectories(Path.of("target", "readme-walkthroughs")).resolve(name + ".log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(finished).as("walkthrough %s finished in 300 s:%n%s", name, output).isTrue();
        assertThat(p.exitValue()).as("walkthrough %s exit code:%n%s", name, output).isZero();
        return output;
    }

    @Test
    void theStockSftpWalkthroughFilesAReportWhoseReceiptOpensslVerifies() throws Exception {
        String out = run("sftp");
        assertThat(out).contains("CMS Verification successful").contains("\"fileName\":\"annual-report-2025.pdf\"")
                .contains("\"state\":\"ARC\"");
        Path folder = top.resolve("walk/sftp");
        assertThat(Files.readString(folder.resolve("known_hosts"))).startsWith("[127.0.0.1]:" + exchange.port() + " ");
        try (var receipts = Files.list(folder)) { // every receipt fetched was verified
            long fetched = receipts.filter(f -> f.toString().endsWith(".p7s")).count();
            assertThat(fetched).isPositive();
            assertThat(out.split("CMS Verification successful", -1)).hasSize((int) fetched + 1);
        }
    }

    @Test
    void theSignedMessageWalkthroughFilesSetsAnInstructionAndReadsTheInbox() throws Exception {
        String out = run("api");
        assertThat(out).contains("CMS Verification successful").contains("\"reportType\":\"national-report\"")
                .contains("\"entries\"");
        assertThat(top.resolve("walk/api/receipt.p7s")).isNotEmptyFile();
        assertThat(top.resolve("walk/api/instruction-receipt.p7s")).isNotEmptyFile();
    }

    @Test
    void theNationalSystemWalkthroughGoesFromNoKeysToAVerifiedReceiptAndAnAcknowledgedItem() throws Exception {
        String out = run("national");
        assertThat(out).contains("filed as ").contains("CMS Verification successful").contains("acknowledged 1 item(s)");
        Path folder = top.resolve("walk/national");
        // host-key wrote a line OpenSSH's own tools read as a known host
        var found = org.treatyexchange.server.Processes.run(folder, List.of("ssh-keygen", "-F", "[127.0.0.1]:" + exchange.port(),
                "-f", "known_hosts"));
        assertThat(found.exitCode()).as(found.output()).isZero();
        assertThat(folder.resolve("receipt.p7s")).isNotEmptyFile();
        assertThat(folder.resolve("message-receipt.p7s")).isNotEmptyFile();
        try (var fetched = Files.list(folder.resolve("distributed"))) {
            assertThat(fetched.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith("-secretariat-message.p7s"));
        }
        // the walkthrough's files stay in its own folder: nothing was written into the top folder
        try (var topFiles = Files.list(top)) {
            assertThat(topFiles.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".log")))
                    .containsExactlyInAnyOrder("config", "data", "scripts", "walk");
        }
    }

    @Test
    void theReadmesManifestAndPointsOfContactExamplesFileForArcadia() throws Exception {
        String manifest = jsonExamples().stream().filter(j -> j.contains("\"submissionId\"")).findFirst().orElseThrow();
        String contacts = jsonExamples().stream().filter(j -> j.contains("\"contacts\"")).findFirst().orElseThrow();
        try (var session = exchange.login("arcadia-officer"); var sftp = exchange.sftp(session)) {
            put(sftp, "/submit/national-report/named/poa-2025.pdf.manifest.json", manifest);
            put(sftp, "/submit/national-report/named/poa-2025.pdf", "Programme of action report 2024-2025 of Arcadia\n");
            put(sftp, "/submit/points-of-contact/points-of-contact.json", contacts);
        }
        String filings = exchange.admin("filings", "--state", "ARC", "--json");
        assertThat(filings).startsWith("0\n").contains("\"fileName\" : \"poa-2025.pdf\"").contains("\"period\" : \"2024-2025\"")
                .contains("\"fileName\" : \"points-of-contact.json\"");
    }

    private static void put(org.apache.sshd.sftp.client.SftpClient sftp, String path, String text) throws IOException {
        try (var out = sftp.write(path)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The README's {@code ```json} blocks. */
    private static List<String> jsonExamples() throws IOException {
        List<String> examples = new ArrayList<>();
        List<String> lines = Files.readAllLines(README);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("```json")) {
                StringBuilder block = new StringBuilder();
                for (i++; !lines.get(i).equals("```"); i++) {
                    block.append(lines.get(i)).append('\n');
                }
                examples.add(block.toString());
            }
        }
        return examples;
    }

    @Test
    void everyJsonExampleInTheReadmeIsValidJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int examples = 0;
        for (String example : jsonExamples()) {
            JsonNode parsed = json.readTree(example);
            assertThat(parsed).as(example).isNotNull();
            examples++;
        }
        assertThat(examples).isGreaterThanOrEqualTo(2);
    }
}
