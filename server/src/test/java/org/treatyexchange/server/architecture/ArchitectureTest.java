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
        return matching(pattern, file -> !file.startsWith(allowedPackageDir));
    }

    /** The sources (relative to {@link #MAIN}) that {@code where} selects and that contain {@code pattern}. */
    static List<String> matching(Pattern pattern, java.util.function.Predicate<String> where) throws IOException {
        return sources().stream()
                .filter(p -> where.test(MAIN.relativize(p).toString()))
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

    /** The protocol edges: each decodes its protocol, calls the application layer, and maps the outcome. */
    static final List<String> EDGES = List.of("sftp/", "api/", "admin/", "portal/");
    /** The domain packages only the application layer calls. */
    static final Pattern DOMAIN = Pattern.compile("org\\.treatyexchange\\.server\\.(store|filing|release|routing|messages)\\b");

    /**
     * Edges reach the domain only through the application layer: not one of them names a class of the
     * store, filing, release, routing or signed-message packages, by import or by full name.
     */
    @Test
    void edgesReachTheDomainOnlyThroughTheApplicationLayer() throws IOException {
        List<String> offenders = matching(DOMAIN, file -> EDGES.stream().anyMatch(file::startsWith));
        assertThat(offenders).as("edge classes that reach the domain around the application layer").isEmpty();
    }

    @Test
    void theEdgeRuleSeesAnImportWhereThereIsOne() {
        // the rule above must not pass by matching nothing: it matches the shapes it forbids
        assertThat(DOMAIN.matcher("import org.treatyexchange.server.store.FilingRecord;").find()).isTrue();
        assertThat(DOMAIN.matcher("org.treatyexchange.server.release.ReleaseService.HELD").find()).isTrue();
        assertThat(DOMAIN.matcher("import org.treatyexchange.server.storage.Thing;").find()).isFalse();
    }

    /**
     * A test whose precondition is missing fails, it never skips: no JUnit assumption, no disabled test
     * and no condition that turns a test off, in the server's or the SDK's tests (CI would stay green).
     */
    @Test
    void noTestCanSkipItself() throws IOException {
        Pattern skips = Pattern.compile("\\bassum(e|ing)(True|False|That)\\s*\\(|Assumptions\\.|\\bAssume\\b|TestAbortedException|ExecutionCondition|@Disabled|@(Enabled|Disabled)(If|On|For|In)[A-Za-z]*\\b");
        List<String> offenders = new java.util.ArrayList<>();
        for (Path tests : List.of(Path.of("src/test/java"), Path.of("../client-sdk/src/test/java"))) {
            try (Stream<Path> s = Files.walk(tests)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (!p.getFileName().toString().equals("ArchitectureTest.java") && skips.matcher(Files.readString(p)).find()) {
                        offenders.add(p.toString());
                    }
                }
            }
        }
        assertThat(offenders).as("test sources that can skip instead of failing").isEmpty();
        assertThat(skips.matcher("assumeTrue(x)").find()).isTrue();
        assertThat(skips.matcher("@DisabledOnOs(OS.WINDOWS)").find()).isTrue();
        assertThat(skips.matcher("assumingThat(ci, () -> check())").find()).isTrue();
        assertThat(skips.matcher("throw new TestAbortedException(\"no tool\")").find()).isTrue();
        assertThat(skips.matcher("class OffInCi implements ExecutionCondition").find()).isTrue();
        assertThat(skips.matcher("org.junit.Assume.assumeTrue(x)").find()).isTrue();
        assertThat(skips.matcher("@EnabledForJreRange(min = JRE.JAVA_21)").find()).isTrue();
        assertThat(skips.matcher("@DisabledInNativeImage").find()).isTrue();
    }

    @Test
    void noJavaDeserialization() throws IOException {
        assertThat(offenders(Pattern.compile("ObjectInputStream|readObject\\s*\\("), "\0")).isEmpty();
    }
}
