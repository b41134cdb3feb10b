package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.ServerProcess;
import org.treatyexchange.server.TestExchange;

/**
 * "Logs carry ids, never documents or keys" (SECURITY.md), checked byte by byte. A server in its own
 * JVM runs the flows — SFTP filings (one refused for its size), a signed message with a document over
 * HTTPS, a release, downloads of the released document by another State, an admin export, a backup,
 * a withdrawal — with documents that carry random marker strings; then every file the server wrote
 * with the production logging configuration (its console log, {@code logs/audit.jsonl}, the whole
 * database directory, the blob store, the backup) and the audit export
 * are searched for the markers (as text, hex and base64), for the keystore password, and for the demo
 * people's portal passwords and TOTP secrets.
 */
class NoSecretAtRestTest {

    @TempDir
    static Path tmp;

    static ServerProcess server;
    static ProcessClients clients;

    @BeforeAll
    static void start() throws Exception {
        // The production logging configuration (console plus <home>/logs/audit.jsonl), not the tests' one.
        server = ServerProcess.start(tmp.resolve("home"), "256m", Map.of(),
                List.of("-Dlogback.configurationFile=" + Path.of("src/main/resources/logback.xml").toAbsolutePath()));
        clients = new ProcessClients();
        clients.target(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void noDocumentByteAndNoKeystorePasswordInAnyLogTheAuditExportOrTheDatabase() throws Exception {
        Map<String, byte[]> needles = new LinkedHashMap<>();
        needles.put("keystore password", TestExchange.PASSWORD.getBytes(StandardCharsets.UTF_8));
        List<String> markers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] r = new byte[12];
            new SecureRandom().nextBytes(r);
            markers.add("DOCMARKER" + HexFormat.of().formatHex(r));
        }

        // SFTP: two filings
        String sftpName = "marked-annual.pdf";
        try (SftpClient sftp = clients.sftp("arcadia-officer")) {
            upload(sftp, "/submit/annual-report/states-parties/" + sftpName, document(markers.get(0), 200_000));
            upload(sftp, "/submit/correspondence/secretariat/marked-note.txt", document(markers.get(1), 5_000));
        }
        // HTTPS: a signed message with a document
        Path file = tmp.resolve("marked-message.pdf");
        Files.write(file, document(markers.get(2), 100_000));
        MessageClient api = clients.api("borealia-system");
        Envelope envelope = Envelope.builder().messageId("marker-1").type(MessageType.FILING).state("BOR")
                .level(ConfidentialityLevel.STATES_PARTIES).reportType("national-report").period("2024-2025")
                .title("Marked message").withheld(false).document("marked-message.pdf", file, "application/pdf").build();
        String messageFiling = api.send(envelope, Map.of("marked-message.pdf", file)).documents().get(0).filingId();
        // release both, another State downloads the SFTP one, the operator exports one, a backup, a withdrawal
        String sftpFiling = filingId("ARC", sftpName);
        assertThat(clients.admin("release", sftpFiling).code()).isZero();
        assertThat(clients.admin("release", messageFiling).code()).isZero();
        try (SftpClient sftp = clients.sftp("sylvania-officer")) {
            byte[] got;
            try (InputStream in = sftp.read("/distributed/" + sftpFiling + "--" + sftpName)) {
                got = in.readAllBytes();
            }
            assertThat(new String(got, StandardCharsets.ISO_8859_1)).contains(markers.get(0)); // the markers are really in the documents
        }
        Path exported = tmp.resolve("exported.pdf");
        assertThat(clients.admin("export", messageFiling, "-o", exported.toString()).code()).isZero();
        assertThat(Files.readString(exported, StandardCharsets.ISO_8859_1)).contains(markers.get(2));
        assertThat(clients.admin("backup", "-o", tmp.resolve("backup").toString()).code()).isZero();
        try (SftpClient sftp = clients.sftp("arcadia-officer")) {
            upload(sftp, "/withdraw/" + filingId("ARC", "marked-note.txt"), "sent by mistake".getBytes(StandardCharsets.UTF_8));
        }
        Path audit = tmp.resolve("audit.jsonl");
        assertThat(clients.admin("export-audit", "-o", audit.toString()).code()).isZero();

        for (String m : markers) {
            byte[] text = m.getBytes(StandardCharsets.US_ASCII);
            needles.put(m, text);
            needles.put(m + " (hex)", HexFormat.of().formatHex(text).getBytes(StandardCharsets.US_ASCII));
            needles.put(m + " (base64)", Base64.getEncoder().encodeToString(text).substring(0, 16).getBytes(StandardCharsets.US_ASCII));
        }
        // the demo people's portal passwords and TOTP secrets (sealed in the database, never in clear)
        com.fasterxml.jackson.databind.JsonNode demoAccounts = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(server.home().resolve("demo").resolve("accounts.json").toFile());
        int people = 0;
        for (com.fasterxml.jackson.databind.JsonNode a : demoAccounts.path("accounts")) {
            if (a.hasNonNull("totpSecret")) {
                String name = a.path("name").asText();
                byte[] raw = org.treatyexchange.server.crypto.Totp.fromBase32(a.path("totpSecret").asText());
                needles.put(name + " TOTP secret (base32)", a.path("totpSecret").asText().getBytes(StandardCharsets.US_ASCII));
                needles.put(name + " TOTP secret (raw)", raw);
                needles.put(name + " TOTP secret (hex)", HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII));
                needles.put(name + " TOTP secret (base64)", Base64.getEncoder().encodeToString(raw).substring(0, 16)
                        .getBytes(StandardCharsets.US_ASCII));
                needles.put(name + " portal password", a.path("portalPassword").asText().getBytes(StandardCharsets.US_ASCII));
                people++;
            }
        }
        assertThat(people).as("demo people with a TOTP secret").isGreaterThanOrEqualTo(5);
        List<Path> searched = new ArrayList<>(List.of(server.consoleLog(), audit));
        for (Path dir : List.of(server.home(), tmp.resolve("backup"))) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.filter(Files::isRegularFile).filter(p -> !p.startsWith(server.home().resolve("demo"))).forEach(searched::add);
            }
        }
        assertThat(searched).anyMatch(p -> p.toString().contains("/db/")).anyMatch(p -> p.toString().contains("/logs/"))
                .anyMatch(p -> p.toString().contains("/blobs/"));
        List<String> found = new ArrayList<>();
        for (Path p : searched) {
            byte[] content = Files.readAllBytes(p);
            for (Map.Entry<String, byte[]> n : needles.entrySet()) {
                if (BackupContentsTest.indexOf(content, n.getValue()) >= 0) {
                    found.add(n.getKey() + " in " + p);
                }
            }
        }
        assertThat(found).as("document markers or the keystore password found at rest outside the encrypted store").isEmpty();
        // The search finds what is there: the file name (metadata, not content) is in the audit log, its export and the database.
        byte[] control = sftpName.getBytes(StandardCharsets.US_ASCII);
        for (String where : List.of("/logs/audit.jsonl", "/audit.jsonl", "/db/")) {
            assertThat(searched).as("the file name, as a control, in %s", where)
                    .anyMatch(p -> p.toString().contains(where) && BackupContentsTest.indexOf(read(p), control) >= 0);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String filingId(String state, String name) {
        ProcessClients.AdminResult r = clients.admin("filings", "--state", state);
        assertThat(r.code()).as(r.output()).isZero();
        return r.lines().stream().filter(l -> l.contains(name)).map(l -> l.trim().split("\\s+")[0]).findFirst().orElseThrow();
    }

    /** A document: its marker, random bytes, the marker again (so no chunk boundary hides both). */
    private static byte[] document(String marker, int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(m);
        byte[] r = new byte[size];
        new SecureRandom().nextBytes(r);
        b.writeBytes(r);
        b.writeBytes(m);
        return b.toByteArray();
    }

    private static void upload(SftpClient sftp, String path, byte[] content) throws Exception {
        try (OutputStream out = sftp.write(path)) {
            out.write(content);
        }
    }
}
