package org.treatyexchange.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.treatyexchange.sdk.internal.Cms;
import org.treatyexchange.sdk.wire.AuditAnchor;

/**
 * A receipt's audit anchor travels as a signed attribute: it is read back exactly, covered by the
 * signature, and absent from signatures made without one; the signed content is the same either way.
 */
class AuditAnchorAttributeTest {

    static final AuditAnchor ANCHOR = new AuditAnchor(353, "ab".repeat(32));

    @Test
    void theAnchorIsSignedAndReadBackAndTheContentIsUnchanged() throws Exception {
        TestPki.Identity server = TestPki.selfSigned("receipts");
        byte[] content = "{\"version\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] anchored = Cms.sign(content, Cms.SigningKey.of(server.key()), server.chain(), Instant.now(), ANCHOR);
        assertThat(Cms.verify(anchored, server.certificate())).isEqualTo(content);
        assertThat(Cms.anchorOf(anchored)).contains(ANCHOR);

        byte[] plain = Cms.sign(content, Cms.SigningKey.of(server.key()), server.chain(), Instant.now());
        assertThat(Cms.verify(plain, server.certificate())).isEqualTo(content);
        assertThat(Cms.anchorOf(plain)).isEmpty();
    }

    @Test
    void anAnchorChangedAfterSigningBreaksTheSignature() throws Exception {
        TestPki.Identity server = TestPki.selfSigned("receipts");
        byte[] content = "{\"version\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] anchored = Cms.sign(content, Cms.SigningKey.of(server.key()), server.chain(), Instant.now(), ANCHOR);
        // the hash's 32 bytes 0xab follow the seq in the DER: change one of them
        byte[] hash = new byte[32];
        java.util.Arrays.fill(hash, (byte) 0xab);
        int at = indexOf(anchored, hash);
        assertThat(at).isPositive();
        anchored[at] = (byte) 0xac;
        assertThatThrownBy(() -> Cms.verify(anchored, server.certificate())).isInstanceOfSatisfying(VerificationException.class,
                e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.BAD_SIGNATURE));
    }

    @Test
    void anAnchorIsASeqFromOneAndAHashOf64HexDigits() {
        assertThatThrownBy(() -> new AuditAnchor(0, "ab".repeat(32))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq");
        assertThatThrownBy(() -> new AuditAnchor(1, "AB".repeat(32))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hash");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
