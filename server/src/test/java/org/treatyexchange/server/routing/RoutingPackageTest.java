package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The routing package stays pure logic with a small public surface: checked on the source, like the
 * server's ArchitectureTest, so that an import of I/O, a clock or a logger fails the build.
 */
class RoutingPackageTest {

    static final Path ROUTING = Path.of("src/main/java/org/treatyexchange/server/routing");
    static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);
    static final Pattern PUBLIC_TYPE = Pattern.compile("^public\\s+(?:final\\s+)?(?:class|record|enum|interface)\\s+(\\w+)",
            Pattern.MULTILINE);
    static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    static final List<String> ALLOWED_IMPORTS = List.of(
            "java.util.", "java.time.LocalDate", "java.time.MonthDay",
            "org.treatyexchange.sdk.wire.ConfidentialityLevel", "org.treatyexchange.server.registry.",
            "org.treatyexchange.server.routing.");

    static Map<String, String> sources() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROUTING)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                out.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return out;
    }

    @Test
    void importsOnlyPureLogic() throws IOException {
        Map<String, String> sources = sources();
        assertThat(sources).containsKey("Router.java");
        sources.forEach((file, text) -> {
            Matcher m = IMPORT.matcher(text);
            while (m.find()) {
                String imported = m.group(2);
                assertThat(ALLOWED_IMPORTS.stream().anyMatch(imported::startsWith))
                        .as("%s imports %s", file, imported).isTrue();
            }
            String code = COMMENT.matcher(text).replaceAll("");
            for (String forbidden : List.of("System.", ".now(", "java.io.", "java.nio.", "java.net.", "Thread", "Logger")) {
                assertThat(code.contains(forbidden)).as("%s uses %s", file, forbidden).isFalse();
            }
        });
    }

    @Test
    void publicSurfaceIsTheFacadeAndItsValues() throws IOException {
        List<String> publicTypes = sources().values().stream()
                .flatMap(text -> PUBLIC_TYPE.matcher(text).results().map(r -> r.group(1)))
                .sorted().toList();

        assertThat(publicTypes).containsExactly("Deadlines", "Declaration", "DistributionPlan", "ReleasePolicy",
                "ReportingPeriods", "Router", "RoutingRequest");
    }
}
