package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Inputs the fuzzer found, kept as plain tests so they run in every build. */
class EnvelopeVerifierRegressionTest {

    @Test
    void aSignedAttributeThatIsNotASequenceIsMalformedNotACrash() throws Exception {
        byte[] cms;
        try (InputStream in = getClass().getResourceAsStream(
                "/org/treatyexchange/server/fuzz/EnvelopeVerifierFuzzTestInputs/verify/bug-signed-attribute-not-a-sequence.der")) {
            cms = in.readAllBytes();
        }
        assertThatThrownBy(() -> EnvelopeVerifier.verify(cms, 64 * 1024)).isInstanceOfSatisfying(SignatureCheckException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(SignatureCheckException.Reason.MALFORMED));
    }
}
