package org.treatyexchange.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.crypto.PasswordHash;

/** {@code scripts/admin hash-password}: no server needed, the password from stdin, never from argv. */
class HashPasswordTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AdminCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsAnArgon2idHashOfTheFirstLineOfStdinWithoutAServer() {
        // --home points nowhere: nothing is contacted
        Run r = run("très secret passphrase\r\nsecond line\n", "--home", "/nonexistent", "hash-password");
        assertThat(r.code()).as(r.err()).isZero();
        String phc = r.out().strip();
        assertThat(phc).startsWith("$argon2id$v=19$m=65536,t=3,p=1$").doesNotContain("secret");
        PasswordHash parsed = PasswordHash.parse(phc);
        assertThat(parsed.matches("très secret passphrase".toCharArray())).isTrue();
        assertThat(parsed.matches("très secret passphrase\r".toCharArray())).isFalse();
        assertThat(parsed.matches("second line".toCharArray())).isFalse();
    }

    @Test
    void aShortOrEmptyPasswordIsRefused() {
        Run r = run("short\n", "hash-password");
        assertThat(r.code()).isEqualTo(AdminCli.REFUSED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("at least 12 characters").doesNotContain("short\n");
        assertThat(run("", "hash-password").code()).isEqualTo(AdminCli.REFUSED);
    }

    @Test
    void aPasswordOnTheCommandLineIsAUsageError() {
        Run r = run("a long enough password\n", "hash-password", "a long enough password");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).doesNotContain("$argon2id");
    }
}
