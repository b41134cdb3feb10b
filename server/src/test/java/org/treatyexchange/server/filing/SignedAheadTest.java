package org.treatyexchange.server.filing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.crypto.ReceiptSigner;

/**
 * A signature made ahead is used for exactly the content it was made over, and nothing else. ECDSA
 * draws a fresh nonce per signature, so two signatures over the same content differ: getting the very
 * same bytes back is what shows the one made ahead was reused.
 */
class SignedAheadTest {

    @TempDir
    static Path dir;

    static ReceiptSigner signer;

    @BeforeAll
    static void key() throws Exception {
        signer = ReceiptSigner.openOrCreate(dir.resolve("r.p12"), dir.resolve("r.pem"), "test-only".toCharArray(), "Test receipts",
                Clock.systemUTC());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameContentGetsTheSignatureMadeAhead() throws Exception {
        SignedAhead receipts = new SignedAhead(signer);
        byte[] content = bytes("{\"filingId\":\"F-1\",\"level\":\"states-parties\"}");
        receipts.signAhead(content);

        byte[] inTransaction = receipts.sign(bytes("{\"filingId\":\"F-1\",\"level\":\"states-parties\"}")); // equal, not the same array
        assertThat(receipts.sign(content)).isEqualTo(inTransaction);
        assertThat(signer.sign(content)).isNotEqualTo(inTransaction); // a fresh signature would differ
        assertThat(ReceiptSigner.verify(inTransaction, signer.certificate())).isEqualTo(content);
    }

    @Test
    void changedContentIsSignedAfreshAndSaysWhatChanged() throws Exception {
        SignedAhead receipts = new SignedAhead(signer);
        byte[] ahead = bytes("{\"filingId\":\"F-2\",\"level\":\"states-parties\"}");
        receipts.signAhead(ahead);

        byte[] changed = bytes("{\"filingId\":\"F-2\",\"level\":\"secretariat\"}");
        byte[] signed = receipts.sign(changed);
        assertThat(ReceiptSigner.verify(signed, signer.certificate())).isEqualTo(changed);
    }
}
