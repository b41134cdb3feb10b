package org.treatyexchange.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;

/**
 * {@link ServerConfigLoader#load} on a fuzzed {@code server.yaml}: a validated {@link ServerConfig} or
 * a {@link ConfigException} naming the file; any other throwable is a finding. Seeds: the shipped
 * {@code config/server.yaml} and small variations ({@code ServerConfigLoaderFuzzTestInputs/load/}).
 */
class ServerConfigLoaderFuzzTest {

    @FuzzTest
    void load(byte[] yaml) throws Exception {
        Path file = ConfigFiles.write("server.yaml", yaml);
        PerInput.check(() -> check(file));
    }

    private static void check(Path file) throws Exception {
        try {
            ServerConfig config = ServerConfigLoader.load(file);
            assertThat(config.sftp().port()).isBetween(0, 65535);
            assertThat(config.limits().accountQuota()).isGreaterThanOrEqualTo(config.limits().maxFileSize());
            assertThat(config.reportTypes()).isNotEmpty();
        } catch (ConfigException e) {
            assertThat(e.file()).as("the error names the file").isEqualTo(file);
            assertThat(e.getMessage()).startsWith(file.toString());
        }
    }
}
