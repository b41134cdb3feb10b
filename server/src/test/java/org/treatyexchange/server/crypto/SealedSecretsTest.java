package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TOTP secret sealed at rest: only its own purpose opens it, a flipped byte does not, and a master-key rotation keeps it readable. */
class SealedSecretsTest {

    @TempDir
    Path dir;

    @Test
    void aSealedSecretOpensOnlyForItsPurposeAndUnaltered() throws Exception {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("master.p12"), "test-password".toCharArray());
        SealedSecrets secrets = new SealedSecrets(keys);
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        SealedSecrets.Sealed sealed = secrets.seal(secret, "totp:arcadia-officer");
        assertThat(new String(sealed.sealed(), StandardCharsets.ISO_8859_1)).doesNotContain("12345678901234567890");
        assertThat(secrets.open(sealed, "totp:arcadia-officer")).isEqualTo(secret);

        assertThatThrownBy(() -> secrets.open(sealed, "totp:borealia-officer")).isInstanceOf(GeneralSecurityException.class);
        byte[] flipped = sealed.sealed().clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> secrets.open(new SealedSecrets.Sealed(sealed.masterKeyId(), flipped), "totp:arcadia-officer"))
                .isInstanceOf(GeneralSecurityException.class);

        keys.rotate();
        assertThat(secrets.open(sealed, "totp:arcadia-officer")).as("sealed under the old master key").isEqualTo(secret);
        assertThat(secrets.seal(secret, "totp:x").masterKeyId()).isEqualTo(keys.activeKeyId()).isNotEqualTo(sealed.masterKeyId());
    }

    /** Each secret under its own random data key and nonce: sealing the same secret twice shares neither. */
    @Test
    void everySealDrawsItsOwnDataKeyAndNonce() throws Exception {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("master.p12"), "test-password".toCharArray());
        SealedSecrets secrets = new SealedSecrets(keys);
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        java.util.Set<String> dataKeys = new java.util.HashSet<>();
        java.util.Set<String> nonces = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            SealedSecrets.Sealed sealed = secrets.seal(secret, "totp:arcadia-officer");
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(sealed.sealed());
            byte[] wrapped = new byte[in.getShort() & 0xffff];
            in.get(wrapped);
            byte[] nonce = new byte[12];
            in.get(nonce);
            byte[] dataKey = keys.unwrap(sealed.masterKeyId(), wrapped, "totp:arcadia-officer".getBytes(StandardCharsets.UTF_8));
            assertThat(dataKey).as("a data key of zeros").isNotEqualTo(new byte[32]);
            dataKeys.add(java.util.HexFormat.of().formatHex(dataKey));
            nonces.add(java.util.HexFormat.of().formatHex(nonce));
        }
        assertThat(dataKeys).hasSize(2);
        assertThat(nonces).hasSize(2);
    }
}
