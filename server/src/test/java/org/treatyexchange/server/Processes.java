package org.treatyexchange.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real command-line tool (openssl, sftp, ssh-keygen) and captures what it printed. */
public final class Processes {

    public record Result(int exitCode, String output) {
    }

    private Processes() {
    }

    public static Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("proc", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** {@code openssl cms -verify} of a DER receipt against a trusted certificate; returns the content on success. */
    public static Result opensslVerify(Path receipt, Path trustedCert, Path contentOut) throws IOException, InterruptedException {
        return run(receipt.getParent(), List.of("openssl", "cms", "-verify", "-inform", "DER", "-in", receipt.toString(), "-CAfile",
                trustedCert.toString(), "-out", contentOut.toString()));
    }
}
