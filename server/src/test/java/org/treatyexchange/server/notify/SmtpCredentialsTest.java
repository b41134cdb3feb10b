package org.treatyexchange.server.notify;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.home.HomeException;

/** The SMTP credentials file is checked when the notifications start: a bad one stops the start and is not echoed. */
class SmtpCredentialsTest {

    @TempDir
    Path dir;

    void startWith(String content, String mode) throws Exception {
        Path file = dir.resolve("smtp-credentials");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        ServerConfig.Notifications settings = ServerConfig.Notifications.OFF.withSmtp(new ServerConfig.Smtp("127.0.0.1", 587,
                "exchange@secretariat.example", ServerConfig.SmtpSecurity.STARTTLS, ServerConfig.Smtp.DEFAULT_CREDENTIALS_FILE_ENV,
                java.util.Optional.empty(), java.time.Duration.ofSeconds(5)));
        Notifications.start(settings, Map.of(ServerConfig.Smtp.DEFAULT_CREDENTIALS_FILE_ENV, file.toString()), null, null, null, null, null,
                List.of(), null, Clock.systemUTC());
    }

    @Test
    void aFileOtherUsersCanReadIsRefused() {
        assertThatThrownBy(() -> startWith("exchange\nsecret-password-1\n", "rw-r--r--")).isInstanceOf(HomeException.class)
                .hasMessageContaining("EXCHANGE_SMTP_CREDENTIALS_FILE").hasMessageContaining("chmod 600")
                .hasMessageNotContaining("secret-password-1");
    }

    @Test
    void aFileWithoutAUserAndAPasswordLineIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> startWith("secret-password-2\n", "rw-------")).isInstanceOf(HomeException.class)
                .hasMessageContaining("two lines: the user name, then the password").hasMessageNotContaining("secret-password-2");
    }
}
