package org.treatyexchange.server.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One scratch directory per fuzzing JVM; each input overwrites the same file in it. */
final class ConfigFiles {

    private static Path directory;

    private ConfigFiles() {
    }

    static synchronized Path write(String name, byte[] content) {
        try {
            if (directory == null) {
                directory = Files.createTempDirectory("tx-fuzz-config");
                directory.toFile().deleteOnExit();
            }
            Path file = directory.resolve(name);
            Files.write(file, content);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
