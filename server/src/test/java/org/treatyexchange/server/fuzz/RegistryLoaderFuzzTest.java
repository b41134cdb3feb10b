package org.treatyexchange.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryLoader;

/**
 * {@link RegistryLoader#load(Path, Set, Path)} on a fuzzed {@code registry.yaml}: a validated
 * {@link Registry} or a {@link ConfigException} naming the file; any other throwable is a finding.
 * Demo keys are off (no demo key directory), as in production. Seeds: the shipped
 * {@code config/registry.yaml} and small variations ({@code RegistryLoaderFuzzTestInputs/load/}).
 */
class RegistryLoaderFuzzTest {

    private static final Set<String> REPORT_TYPES = ServerConfig.ReportType.DEFAULTS.stream()
            .map(ServerConfig.ReportType::id).collect(Collectors.toUnmodifiableSet());

    @FuzzTest
    void load(byte[] yaml) throws Exception {
        Path file = ConfigFiles.write("registry.yaml", yaml);
        PerInput.check(() -> check(file));
    }

    private static void check(Path file) throws Exception {
        try {
            Registry registry = RegistryLoader.load(file, REPORT_TYPES, null);
            assertThat(registry).isNotNull();
        } catch (ConfigException e) {
            assertThat(e.file()).as("the error names the file").isEqualTo(file);
            assertThat(e.getMessage()).startsWith(file.toString());
        }
    }
}
