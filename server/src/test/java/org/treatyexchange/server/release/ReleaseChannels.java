package org.treatyexchange.server.release;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;

/** The channels a release test drives on one exchange: a State files by SFTP; the secretariat releases by SFTP, HTTPS or the CLI. */
final class ReleaseChannels {

    private final TestExchange exchange;
    private final Path tmp;

    ReleaseChannels(TestExchange exchange, Path tmp) {
        this.exchange = exchange;
        this.tmp = tmp;
    }

    /** Files {@code content} at {@code path} as {@code account}; the new filing's id. */
    String file(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    /** The secretariat's SFTP action file {@code /release/<id>}, its text confirming a superseded release; null when accepted, else the refusal. */
    String releaseBySftp(String id, String text) throws Exception {
        try (ClientSession s = exchange.login("secretariat"); SftpClient sftp = exchange.sftp(s)) {
            try (OutputStream out = sftp.write("/release/" + id)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return null;
        } catch (SftpException e) {
            return e.getMessage();
        }
    }

    /** POST /secretariat/filings/{id}/release{query} as the secretariat's API client: the HTTP status and the body. */
    String[] releaseByApi(String id, String query) throws Exception {
        Path out = tmp.resolve("answer-" + System.nanoTime() + ".json");
        Processes.Result r = exchange.curl("secretariat", out, "-X", "POST", exchange.apiUrl("/secretariat/filings/" + id + "/release" + query));
        return new String[] {r.output().strip(), Files.exists(out) ? Files.readString(out) : ""};
    }

    /** GET /secretariat/pending as the secretariat's API client: the one filing {@code id} of the answer, as JSON text. */
    String pendingByApi(String id) throws Exception {
        Path out = tmp.resolve("pending-" + System.nanoTime() + ".json");
        Processes.Result r = exchange.curl("secretariat", out, exchange.apiUrl("/secretariat/pending"));
        if (!r.output().strip().equals("200")) {
            throw new AssertionError("GET /secretariat/pending answered " + r.output());
        }
        for (com.fasterxml.jackson.databind.JsonNode f : new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile()).get("filings")) {
            if (f.get("id").asText().equals(id)) {
                return f.toString();
            }
        }
        throw new AssertionError(id + " is not in GET /secretariat/pending");
    }

    /** The secretariat's SFTP {@code /pending/<id>.json}, compacted to one line of JSON text like {@link #pendingByApi}. */
    String pendingBySftp(String id) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(read("secretariat", "/pending/" + id + ".json")).toString();
    }

    List<String> names(String account, String dir) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s)) {
            List<String> names = new ArrayList<>();
            sftp.readDir(dir).forEach(e -> names.add(e.getFilename()));
            return names;
        }
    }

    String read(String account, String path) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); InputStream in = sftp.read(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every audit event of one type, as exported JSON lines. */
    String auditOf(String type) throws Exception {
        Path out = tmp.resolve("audit-" + System.nanoTime() + ".jsonl");
        String answer = exchange.admin("export-audit", "--out", out.toString());
        if (!answer.startsWith("0\n")) {
            throw new AssertionError(answer);
        }
        return String.join("\n", Files.readAllLines(out).stream().filter(l -> l.contains("\"type\":\"" + type + "\"")).toList());
    }
}
