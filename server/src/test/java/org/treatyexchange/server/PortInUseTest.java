package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A listener whose port is taken stops the start with one line that names the address and the flag to
 * change it, exit 2, and no stack trace: the everyday mistake of a second server on the same machine.
 */
class PortInUseTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"--sftp-port", "--api-port", "--monitoring-port"})
    void aTakenPortIsOneLineNamingThePortAndTheFlag(String flag) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "--home", tmp.resolve("home").toString()));
            for (String f : List.of("--sftp-port", "--api-port", "--portal-port", "--monitoring-port")) {
                cmd.addAll(List.of(f, f.equals(flag) ? Integer.toString(port) : "0"));
            }
            Path log = tmp.resolve("out.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(TestExchange.REPO.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("EXCHANGE_MASTER_PASSWORD", TestExchange.PASSWORD);
            Process p = pb.start();
            try {
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the server gave up").isTrue();
            } finally {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            assertThat(p.exitValue()).as(out).isEqualTo(2);
            List<String> reasons = out.lines().filter(l -> l.startsWith("cannot start:")).toList();
            assertThat(reasons).as(out).hasSize(1);
            assertThat(reasons.get(0)).contains("127.0.0.1:" + port + " is already in use").contains(flag);
            assertThat(out).as("no stack trace").doesNotContain("\tat ").doesNotContain("Caused by");
        }
    }
}
