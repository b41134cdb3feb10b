package org.treatyexchange.server.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package rules from STYLE.md, checked on the source so that a violation fails the build. */
class ArchitectureTest {

    static final Path MAIN = Path.of("src/main/java/org/treatyexchange/server");

    static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    static List<String> offenders(Pattern pattern, String allowedPackageDir) throws IOException {
        return sources().stream()
                .filter(p -> !MAIN.relativize(p).toString().startsWith(allowedPackageDir))
                .filter(p -> {
                    try {
                        return pattern.matcher(Files.readString(p)).find();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .map(p -> MAIN.relativize(p).toString())
                .toList();
    }

    @Test
    void thereAreSources() throws IOException {
        assertThat(sources()).hasSizeGreaterThan(30);
    }

    @Test
    void noBouncyCastleOutsideTheCryptoPackage() throws IOException {
        assertThat(offenders(Pattern.compile("import\\s+org\\.bouncycastle\\."), "crypto/")).isEmpty();
    }

    @Test
    void noSqlOutsideTheStorePackage() throws IOException {
        // SQL is written in upper case here; prose such as "Update to the initial report" must not count.
        Pattern sql = Pattern.compile("import\\s+java\\.sql\\.|\"\\s*(SELECT\\s|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|CREATE\\s+TABLE)");
        assertThat(offenders(sql, "store/")).isEmpty();
    }

    @Test
    void noJavaDeserialization() throws IOException {
        assertThat(offenders(Pattern.compile("ObjectInputStream|readObject\\s*\\("), "\0")).isEmpty();
    }
}
