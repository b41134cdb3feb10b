package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator uses it: unpacked into an empty folder, started with its own
 * launcher (no Maven, no checkout, no class path from the build), an account's key listed in the example
 * registry, a report filed with the stock {@code sftp}, the node ready on its health
 * listener, and a SIGTERM stop that exits 143 (what the systemd unit counts as success). Runs after
 * {@code package} (failsafe), on target/treaty-exchange-&lt;version&gt;.tar.gz.
 */
class ReleaseArchiveIT {

    @TempDir
    Path tmp;

    /** A process environment without anything of the build (class path, Maven). */
    static void clean(Map<String, String> env) {
        env.keySet().removeIf(k -> k.equals("CLASSPATH") || k.startsWith("MAVEN") || k.startsWith("EXCHANGE_"));
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static int port(Path log, String pattern) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        Pattern p = Pattern.compile(pattern);
        while (Instant.now().isBefore(deadline)) {
            Matcher m = p.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no line matching " + pattern + " in " + Files.readString(log));
    }

    @Test
    void theUnpackedArchiveStartsWithoutMavenAndFilesAReport() throws Exception {
        Path archive = Path.of(System.getProperty("exchange.release.archive", "target/treaty-exchange-0.1.0-SNAPSHOT.tar.gz"));
        assertThat(archive).exists();
        Path opt = Files.createDirectories(tmp.resolve("opt"));
        assertThat(Processes.run(opt, List.of("tar", "-xzf", archive.toAbsolutePath().toString())).exitCode()).isZero();
        Path app;
        try (var s = Files.list(opt)) {
            app = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(app.getFileName().toString()).startsWith("treaty-exchange-");
        for (String f : List.of("bin/treaty-exchange", "bin/treaty-exchange-admin", "bin/exchange")) {
            assertThat(Files.getPosixFilePermissions(app.resolve(f))).as(f).contains(PosixFilePermission.OWNER_EXECUTE);
        }
        assertThat(Files.readString(app.resolve("config/server.yaml"))).contains("enabled: false");
        String unit = Files.readString(app.resolve("systemd/treaty-exchange.service"));
        assertThat(unit).contains("NoNewPrivileges=true", "ProtectSystem=strict", "ReadWritePaths=/var/lib/treaty-exchange",
                "PrivateTmp=true", "KillSignal=SIGTERM", "SuccessExitStatus=143", "TimeoutStopSec=45s", "EXCHANGE_SHUTDOWN_GRACE=15s");
        // systemd itself reads the unit without a complaint (an unknown or misspelt key is only a warning: none allowed)
        Path unitCopy = Files.createDirectories(tmp.resolve("unit")).resolve("treaty-exchange.service");
        Files.writeString(unitCopy, unit.replace("/opt/treaty-exchange/bin/treaty-exchange", app.resolve("bin/treaty-exchange").toString()));
        Processes.Result verified = Processes.run(tmp, List.of("systemd-analyze", "verify", "--man=no", unitCopy.toString()));
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output()).as("systemd-analyze verify").isBlank();
        assertThat(app.resolve("docs/INSTALL.md")).exists();
        // the example registry is the demo's without its demo keys and demo passwords (kept in step with config/registry.yaml)
        List<String> demo = Files.readAllLines(TestExchange.REPO.resolve("config/registry.yaml")).stream()
                .filter(l -> !l.startsWith("#")).filter(l -> !l.strip().equals("demoPassword: true"))
                .map(l -> l.replace("demoKey: true", "disabled: true")).toList();
        assertThat(Files.readAllLines(app.resolve("config/registry.yaml")).stream().filter(l -> !l.startsWith("#"))
                .map(l -> l.replaceAll("disabled: true .*", "disabled: true")).toList()).isEqualTo(demo);

        // the operator lists the officer's key in the registry, as INSTALL.md says
        Path key = tmp.resolve("arcadia-officer");
        assertThat(Processes.run(tmp, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())).exitCode()).isZero();
        Path registry = app.resolve("config/registry.yaml");
        String officer = "  - name: arcadia-officer\n    state: ARC\n    role: state-officer\n";
        String text = Files.readString(registry);
        int at = text.indexOf(officer);
        assertThat(at).isNotNegative();
        int lineEnd = text.indexOf('\n', at + officer.length());
        Files.writeString(registry, text.substring(0, at + officer.length()) + "    sshKeys:\n      - \"" + Files.readString(Path.of(key + ".pub")).strip()
                + "\"" + text.substring(lineEnd));

        Path data = tmp.resolve("data");
        Path log = tmp.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(app.resolve("bin/treaty-exchange").toString(), "--home", data.toString(), "--sftp-port", "0",
                "--api-port", "0", "--portal-port", "0", "--monitoring-port", "0")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        clean(pb.environment());
        pb.environment().put("EXCHANGE_MASTER_PASSWORD", "release-archive-test-password");
        Process server = pb.start();
        try {
            int sftpPort = port(log, "SFTP listening on 127\\.0\\.0\\.1:(\\d+)");
            int monitoringPort = port(log, "health and metrics on http://127\\.0\\.0\\.1:(\\d+)/");
            port(log, "Treaty Exchange started()"); // everything is up
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + monitoringPort + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            // the officer files a report with the stock sftp client
            Files.writeString(tmp.resolve("annual-report-2025.pdf"), "Annual report 2025 of Arcadia");
            Files.writeString(tmp.resolve("batch"), "put annual-report-2025.pdf /submit/annual-report/states-parties/annual-report-2025.pdf\n");
            Processes.Result sftp = Processes.run(tmp, List.of("sftp", "-b", "batch", "-i", key.toString(), "-P", Integer.toString(sftpPort),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "arcadia-officer@127.0.0.1"));
            assertThat(sftp.exitCode()).as(sftp.output()).isZero();

            ProcessBuilder filings = new ProcessBuilder(app.resolve("bin/treaty-exchange-admin").toString(), "--home", data.toString(),
                    "filings", "--json").directory(tmp.toFile()).redirectErrorStream(true);
            clean(filings.environment());
            Process f = filings.start();
            String listed = new String(f.getInputStream().readAllBytes());
            assertThat(f.waitFor()).as(listed).isZero();
            assertThat(listed).contains("\"fileName\" : \"annual-report-2025.pdf\"").contains("\"state\" : \"ARC\"");
        } finally {
            server.destroy(); // SIGTERM: the graceful stop
            boolean stopped = server.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                server.destroyForcibly();
            }
            assertThat(stopped).isTrue();
        }
        assertThat(server.exitValue()).as(Files.readString(log)).isEqualTo(143);
        assertThat(Files.readString(log)).contains("stopped");
    }
}
