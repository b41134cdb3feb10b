package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class PasswordHashTest {

    static final char[] PASSWORD = "correct horse battery staple".toCharArray();

    @Test
    void aHashRoundTripsThroughItsPhcStringAndMatchesOnlyItsPassword() {
        PasswordHash hash = PasswordHash.create(PASSWORD);
        String phc = hash.encoded();
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=65536,t=3,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        PasswordHash parsed = PasswordHash.parse(phc);
        assertThat(parsed.encoded()).isEqualTo(phc);
        assertThat(parsed.matches(PASSWORD)).isTrue();
        assertThat(parsed.matches("correct horse battery stapler".toCharArray())).isFalse();
        assertThat(parsed.matches(new char[0])).isFalse();
        assertThat(PasswordHash.matchesNothing(PASSWORD)).isFalse();
    }

    @Test
    void newHashesUseTheCurrentParametersAndAFreshSalt() {
        PasswordHash a = PasswordHash.create(PASSWORD);
        PasswordHash b = PasswordHash.create(PASSWORD);
        assertThat(a.encoded()).isNotEqualTo(b.encoded());
        assertThat(a.memoryKib()).isEqualTo(65_536).isGreaterThanOrEqualTo(PasswordHash.MIN_MEMORY_KIB);
        assertThat(a.iterations()).isEqualTo(3).isGreaterThanOrEqualTo(PasswordHash.MIN_ITERATIONS);
        assertThat(a.parallelism()).isEqualTo(1);
        String[] fields = a.encoded().split("\\$");
        assertThat(Base64.getDecoder().decode(fields[4])).hasSize(16);
        assertThat(Base64.getDecoder().decode(fields[5])).hasSize(32);
    }

    @Test
    void theHashIsStandardArgon2idAsRfc9106DefinesIt() {
        // An independently computed Argon2id over the same salt and parameters must give the stored hash,
        // so the string is what other tools (e.g. the argon2 CLI) would produce and check.
        String[] fields = PasswordHash.create(PASSWORD).encoded().split("\\$");
        byte[] salt = Base64.getDecoder().decode(fields[4]);
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(65_536).withIterations(3).withParallelism(1).build());
        byte[] expected = new byte[32];
        g.generateBytes(new String(PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8), expected);
        assertThat(Base64.getDecoder().decode(fields[5])).isEqualTo(expected);
    }

    @Test
    void weakPlainOrForeignValuesAreRefusedWithoutBeingRepeated() {
        String[] fields = PasswordHash.create(PASSWORD).encoded().split("\\$");
        String saltAndHash = "$" + fields[4] + "$" + fields[5];
        assertThatThrownBy(() -> PasswordHash.parse("hunter2-plaintext"))
                .hasMessageContaining("must be an Argon2id hash in PHC format").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=4096,t=3,p=1" + saltAndHash))
                .hasMessageContaining("weak Argon2id parameters (m=4096,t=3,p=1)");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=65536,t=1,p=1" + saltAndHash))
                .hasMessageContaining("weak Argon2id parameters");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=65536,t=3,p=0" + saltAndHash))
                .hasMessageContaining("weak Argon2id parameters");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=99999999,t=3,p=1" + saltAndHash))
                .hasMessageContaining("too costly");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2i$v=19$m=65536,t=3,p=1" + saltAndHash))
                .hasMessageContaining("PHC format");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=16$m=65536,t=3,p=1" + saltAndHash))
                .hasMessageContaining("PHC format");
        assertThatThrownBy(() -> PasswordHash.parse("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"))
                .hasMessageContaining("PHC format");
        String shortSalt = Base64.getEncoder().withoutPadding().encodeToString(new byte[15]);
        assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=65536,t=3,p=1$" + shortSalt + "$" + fields[5]))
                .hasMessageContaining("PHC format");
        String longShortSalt = Base64.getEncoder().withoutPadding().encodeToString(new byte[17]).substring(0, 22) + "AA";
        assertThatThrownBy(() -> PasswordHash.parse(null)).hasMessageContaining("PHC format");
        assertThat(PasswordHash.parse("$argon2id$v=19$m=19456,t=2,p=1$" + longShortSalt + "$" + fields[5]).iterations())
                .isEqualTo(2);
    }

    @Test
    void toStringNamesTheParametersButNeverTheSaltOrHash() {
        PasswordHash hash = PasswordHash.create(PASSWORD);
        String[] fields = hash.encoded().split("\\$");
        assertThat(hash.toString()).isEqualTo("argon2id(m=65536,t=3,p=1)")
                .doesNotContain(fields[4]).doesNotContain(fields[5]);
    }

    @Test
    void aGeneratedRandomPasswordIsHashedAtTheFloorAndStillParsesAndMatches() {
        char[] password = "k7m2q-x9fh3-abcde-23456".toCharArray();
        PasswordHash hash = PasswordHash.createForRandomSecret(password.clone());
        assertThat(hash.memoryKib()).isEqualTo(PasswordHash.MIN_MEMORY_KIB);
        assertThat(hash.iterations()).isEqualTo(PasswordHash.MIN_ITERATIONS);
        PasswordHash parsed = PasswordHash.parse(hash.encoded());
        assertThat(parsed.matches(password.clone())).isTrue();
        assertThat(parsed.matches("k7m2q-x9fh3-abcde-23457".toCharArray())).isFalse();
    }
}
