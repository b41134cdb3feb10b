package org.treatyexchange.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.treatyexchange.server.crypto.EnvelopeVerifier;
import org.treatyexchange.server.crypto.SignatureCheckException;
import org.treatyexchange.server.crypto.VerifiedEnvelope;

/**
 * {@link EnvelopeVerifier#verify(byte[], int)} on hostile bytes: it returns a verified envelope or
 * throws {@link SignatureCheckException}; any other throwable is a finding.
 *
 * <p>Seeds ({@code EnvelopeVerifierFuzzTestInputs/verify/}): CMS SignedData made by
 * {@code openssl cms -sign -binary -nodetach -outform DER} over a small envelope JSON with throwaway
 * self-signed ECDSA P-256 and RSA-2048 keys (100-year certificates; the keys were deleted, only the
 * CMS output is kept): SHA-256/ECDSA, SHA-384/RSA, RSASSA-PSS; and refusals: no signed attributes,
 * detached content, tampered content, truncated. {@code bug-signed-attribute-not-a-sequence.der} is
 * Jazzer's first finding (fixed; kept as a seed): the SHA-384/RSA seed with one byte changed, the
 * contentType attribute's SEQUENCE tag 0x30 made a SET 0x31.
 */
class EnvelopeVerifierFuzzTest {

    /** The HTTPS edge's default {@code api.maxEnvelopeSize}. */
    private static final int MAX_BYTES = 64 * 1024;

    @FuzzTest
    void verify(byte[] cms) throws Exception {
        PerInput.check(() -> check(cms));
    }

    private static void check(byte[] cms) throws Exception {
        VerifiedEnvelope verified;
        try {
            verified = EnvelopeVerifier.verify(cms, MAX_BYTES);
        } catch (SignatureCheckException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).as("a refusal says which check failed").isNotBlank();
            return;
        }
        // Accepted: what comes back must be consistent with the input it came from.
        assertThat(verified.content()).as("content").isNotNull();
        assertThat(indexOf(cms, verified.content())).as("the content is carried in the signed data").isNotNegative();
        assertThat(verified.signerFingerprint()).as("signer fingerprint")
                .isEqualTo(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(verified.signer().getEncoded())));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
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
