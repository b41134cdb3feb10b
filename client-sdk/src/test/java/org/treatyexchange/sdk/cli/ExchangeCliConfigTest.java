package org.treatyexchange.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tool decides before it talks to any exchange: usage, the configuration file, and secrets
 * that come only from a file or the environment (the commands against a real server are tested in
 * the server module, ExchangeCliTest).
 */
class ExchangeCliConfigTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ExchangeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env, false);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void usageAndHelp() {
        assertThat(cli(Map.of()).code()).isEqualTo(ExchangeCli.USAGE);
        Run help = cli(Map.of(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("submit", "send", "inbox", "ack", "fetch", "verify-receipt", "keygen");
        assertThat(cli(Map.of(), "submit").code()).isEqualTo(ExchangeCli.USAGE); // FILE and options missing
        assertThat(cli(Map.of(), "frobnicate").code()).isEqualTo(ExchangeCli.USAGE);
    }

    @Test
    void theConfigurationFileIsFoundLikeTheDocsSayAndTypoKeysAreRefused() throws Exception {
        Run missing = cli(Map.of("EXCHANGE_CLIENT_CONFIG", dir.resolve("nope.properties").toString()), "--json", "inbox");
        assertThat(missing.code()).isEqualTo(ExchangeCli.USAGE);
        assertThat(missing.out()).contains("\"exitCode\":2");
        assertThat(missing.err()).contains("nope.properties");

        Path config = dir.resolve("exchange.properties");
        Files.writeString(config, "account = borealia-system\napi.keyPassword = hunter2\n");
        Run typo = cli(Map.of("EXCHANGE_CLIENT_CONFIG", config.toString()), "inbox");
        assertThat(typo.code()).isEqualTo(ExchangeCli.USAGE);
        assertThat(typo.err()).contains("unknown key(s) [api.keyPassword]").doesNotContain("hunter2");
    }

    @Test
    void secretsComeFromAFileOrTheEnvironmentOnly() throws Exception {
        Path config = dir.resolve("exchange.properties");
        Files.writeString(dir.resolve("pass.txt"), "from-a-file\n");
        Files.writeString(config, "api.pkcs12PasswordFile = pass.txt\nsftp.keyPassphraseEnv = MY_PASSPHRASE\n");
        ClientConfig c = ClientConfig.load(config, Map.of("MY_PASSPHRASE", "from-the-environment"));
        assertThat(new String(c.secret("api.pkcs12Password"))).isEqualTo("from-a-file");
        assertThat(new String(c.secret("sftp.keyPassphrase"))).isEqualTo("from-the-environment");
        assertThat(c.secret("api.keyPassword")).isNull();
        ClientConfig unset = ClientConfig.load(config, Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> unset.secret("sftp.keyPassphrase"))
                .hasMessageContaining("MY_PASSPHRASE").hasMessageContaining("not set");
    }
}
