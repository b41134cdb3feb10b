package org.treatyexchange.sdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openssl} as a peer in a working directory. */
final class OpenSsl {

    private final Path dir;

    OpenSsl(Path dir) {
        this.dir = dir;
    }

    /** Runs {@code openssl args...}; returns its exit code and combined output. */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs and requires exit code 0. */
    String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + r.output());
        }
        return r.output();
    }

    /** A self-signed certificate and PKCS#8 key: {@code name}.key.pem, {@code name}.cert.pem. */
    void selfSigned(String name, String curve) throws IOException, InterruptedException {
        ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + curve, "-nodes",
                "-keyout", name + ".key.pem", "-out", name + ".cert.pem", "-subj", "/CN=" + name, "-days", "2");
    }

    record Result(int exit, String output) {
    }
}
