package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.crypto.SignatureCheckException.Reason;

/**
 * The structural check that runs before Bouncy Castle parses a signed message ({@link EnvelopeVerifier#checkStructure}):
 * one DER element, definite lengths of at most four bytes, each element inside its parent, tags of at most four
 * bytes, at most {@value EnvelopeVerifier#MAX_DEPTH} levels. Anything else is MALFORMED with its reason, never an
 * exception of another kind (a read past the end would be one), and every valid edge case passes.
 */
class DerStructureTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static void passes(String der) {
        assertThatCode(() -> EnvelopeVerifier.checkStructure(hex(der))).as(der).doesNotThrowAnyException();
    }

    static void passes(byte[] der) {
        assertThatCode(() -> EnvelopeVerifier.checkStructure(der)).doesNotThrowAnyException();
    }

    static void refused(byte[] der, String message) {
        SignatureCheckException e = catchThrowableOfType(SignatureCheckException.class, () -> EnvelopeVerifier.checkStructure(der));
        assertThat(e).as("refused: " + message).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    static void refused(String der, String message) {
        refused(hex(der), message);
    }

    /** A DER element: tag, definite length (short or long form), content. */
    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] nested(int levels, byte[] innermost) {
        byte[] b = innermost;
        for (int i = 0; i < levels; i++) {
            b = tlv(0x30, b);
        }
        return b;
    }

    @Test
    void oneElementWithSiblingsInsideItPasses() {
        passes("30 06 02 01 01 02 01 02");
        passes("30 00");
        passes("04 00");
    }

    @Test
    void dataAfterTheElementIsRefused() {
        refused("30 00 00", "data follows the signed data");
        refused("30 03 02 01 05 30 00", "data follows the signed data");
    }

    @Test
    void anElementLongerThanItsParentIsRefused() {
        refused("30 02 02 01 05", "ASN.1 length exceeds its container");
        refused("30 03 02 02 05", "ASN.1 length exceeds its container");
        refused("04 02 00", "ASN.1 length exceeds its container");
    }

    @Test
    void aTruncatedElementIsRefusedNotReadPastItsEnd() {
        refused("30", "truncated ASN.1");
        refused("30 01 02", "truncated ASN.1");
        refused("30 82 01", "truncated ASN.1");
        refused("30 03 04 82 00", "truncated ASN.1");
    }

    @Test
    void indefiniteLengthsAreRefused() {
        refused("30 80 00 00", "indefinite-length (BER) encoding; send DER");
    }

    @Test
    void longFormLengthsOfUpToFourBytesPass() {
        passes("30 81 03 02 01 05");
        passes("04 84 00 00 00 01 aa");
        refused("04 85 00 00 00 00 01 aa", "ASN.1 length too large");
        passes(tlv(0x04, new byte[300]));
    }

    @Test
    void highTagNumbersOfUpToFourBytesPass() {
        passes("1f 81 01 00");
        passes("1f 81 81 81 01 00");
        refused("1f 81 81 81 81 01 00", "bad ASN.1 tag");
        refused("1f 81", "bad ASN.1 tag");
        refused("30 02 1f 81", "bad ASN.1 tag");
        passes("30 04 1f 81 01 00");
    }

    @Test
    void nestingUpToTheLimitPassesAndOneLevelMoreIsRefused() {
        passes(nested(EnvelopeVerifier.MAX_DEPTH, hex("02 01 00")));
        passes(nested(EnvelopeVerifier.MAX_DEPTH, hex("30 00"))); // an empty element at the deepest level adds no level
        refused(nested(EnvelopeVerifier.MAX_DEPTH + 1, hex("02 01 00")), "ASN.1 nested deeper than 32 levels");
    }

    @Test
    void aPrimitiveElementsContentIsNotParsed() {
        // the content of an OCTET STRING looks like a bad tag; it is data, not structure
        passes("04 03 1f ff ff");
    }
}
