package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server, started as scripts/start does, with its database given by the environment: a
 * setting that cannot work stops the start at once (exit 2) with a message that names the setting and
 * the fix, and never repeats a password.
 */
class DatabaseStartupTest {

    @TempDir
    Path tmp;
    TestDatabase database;

    @BeforeEach
    void create() throws Exception {
        database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
    }

    @AfterEach
    void drop() throws Exception {
        database.close();
    }

    private String refusedStart(Map<String, String> env) throws Exception {
        IOException e = catchThrowableOfType(IOException.class, () -> ServerProcess.start(tmp.resolve("home"), "256m", env).close());
        assertThat(e).as("the server must not start").isNotNull();
        assertThat(e.getMessage()).startsWith("the server exited with 2");
        return e.getMessage();
    }

    @Test
    void aWrongPasswordStopsTheStartNamingTheUserAndThePasswordFile() throws Exception {
        Path wrong = tmp.resolve("db-password");
        Files.writeString(wrong, "wrong-password-7f3a\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = new HashMap<>(database.environment());
        env.put("EXCHANGE_DATABASE_PASSWORD_FILE", wrong.toString());
        String out = refusedStart(env);
        assertThat(out).contains("cannot start").contains("store.database.user (EXCHANGE_DATABASE_USER) and the file named by "
                + "EXCHANGE_DATABASE_PASSWORD_FILE").contains("28P01").doesNotContain("wrong-password-7f3a");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() throws Exception {
        Map<String, String> env = new HashMap<>(database.environment());
        env.put("EXCHANGE_DATABASE_URL", database.url() + "?password=url-secret-91c2");
        String out = refusedStart(env);
        assertThat(out).contains("EXCHANGE_DATABASE_URL (overrides store.database.url): must not carry 'password'")
                .doesNotContain("url-secret-91c2");
    }

    @Test
    void aPasswordFileOtherUsersCanReadIsRefused() throws Exception {
        Path shared = tmp.resolve("db-password");
        Files.copy(database.settings().passwordFile(), shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> env = new HashMap<>(database.environment());
        env.put("EXCHANGE_DATABASE_PASSWORD_FILE", shared.toString());
        assertThat(refusedStart(env)).contains("EXCHANGE_DATABASE_PASSWORD_FILE").contains("chmod 600");
    }

    @Test
    void aServerCertificateFromAnotherCaStopsTheStartNamingTheTlsSettings() throws Exception {
        Path otherCa = tmp.resolve("other-ca.pem");
        Processes.Result made = Processes.run(tmp, java.util.List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=Not the database's CA", "-keyout",
                tmp.resolve("other-ca.key").toString(), "-out", otherCa.toString()));
        assertThat(made.exitCode()).as(made.output()).isZero();
        Map<String, String> env = new HashMap<>(database.environment());
        env.put("EXCHANGE_DATABASE_SSLROOTCERT", otherCa.toString());
        assertThat(refusedStart(env)).contains("store.database.sslMode and store.database.sslRootCert");
    }
}
