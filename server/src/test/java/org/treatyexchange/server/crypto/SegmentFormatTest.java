package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The at-rest format ("TXE1", {@link SegmentedAead}) exactly as its javadoc defines it, checked against an
 * independent implementation of that definition with the JDK's AES-GCM: a document written today must stay
 * readable by the next version and by an auditor's own tool, and each segment's nonce must carry its whole
 * index and whether it is the last (what makes reordering and truncation detectable).
 */
class SegmentFormatTest {

    static final byte[] KEY = new byte[32];
    static final byte[] PREFIX = HexFormat.of().parseHex("a1a2a3a4a5a6a7");

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    /** Hands out the nonce prefix where the writer draws its random bytes. */
    static final class FixedRandom extends SecureRandom {
        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = PREFIX[i % PREFIX.length];
            }
        }
    }

    /** The format's definition, written from the javadoc alone. */
    static byte[] reference(byte[] plaintext, int segmentSize) throws Exception {
        ByteBuffer header = ByteBuffer.allocate(16).put("TXE1".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).putInt(segmentSize)
                .put(PREFIX);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.array());
        int n = Math.max(1, (plaintext.length + segmentSize - 1) / segmentSize);
        for (int i = 0; i < n; i++) {
            byte[] nonce = ByteBuffer.allocate(12).put(PREFIX).putInt(i).put((byte) (i == n - 1 ? 1 : 0)).array();
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(header.array());
            out.write(c.doFinal(Arrays.copyOfRange(plaintext, i * segmentSize, Math.min(plaintext.length, (i + 1) * segmentSize))));
        }
        return out.toByteArray();
    }

    static byte[] written(byte[] plaintext, int segmentSize) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SegmentEncryptor e = new SegmentEncryptor(out, KEY.clone(), segmentSize, new FixedRandom());
        e.write(plaintext, 0, plaintext.length);
        e.finish();
        return out.toByteArray();
    }

    @Test
    void aDocumentOfSeveralSegmentsIsWrittenExactlyAsTheFormatDefines() throws Exception {
        byte[] plaintext = "Annual report 2026: exports of conventional arms, nil.".getBytes(StandardCharsets.UTF_8); // 3 segments of 20
        assertThat(written(plaintext, 20)).isEqualTo(reference(plaintext, 20));
    }

    @Test
    void anEmptyDocumentIsOneLastSegmentOfNoBytes() throws Exception {
        byte[] blob = written(new byte[0], 16);
        assertThat(blob).hasSize(32).isEqualTo(reference(new byte[0], 16));
    }

    @Test
    void aDocumentEndingOnASegmentBoundaryHasNoEmptyTail() throws Exception {
        byte[] plaintext = new byte[48];
        assertThat(written(plaintext, 16)).hasSize(16 + 48 + 3 * 16).isEqualTo(reference(plaintext, 16));
    }

    @Test
    void theNonceIsThePrefixTheWholeIndexBigEndianAndTheLastFlag() {
        SegmentedAead.Header header = SegmentedAead.Header.create(16, new FixedRandom());
        assertThat(SegmentedAead.nonce(header, 0x01020304L, false).getIV()).isEqualTo(HexFormat.of().parseHex("a1a2a3a4a5a6a7010203" + "0400"));
        assertThat(SegmentedAead.nonce(header, 0xfffffffeL, true).getIV()).isEqualTo(HexFormat.of().parseHex("a1a2a3a4a5a6a7fffffffe01"));
        assertThat(SegmentedAead.nonce(header, 0, true).getTLen()).isEqualTo(128);
    }

    @Test
    void noTwoSegmentsOfTheLargestDocumentShareANonce() {
        SegmentedAead.Header header = SegmentedAead.Header.create(16, new FixedRandom());
        Set<String> nonces = new HashSet<>();
        for (long index : new long[] {0, 1, 1L << 8, 1L << 16, 1L << 24, SegmentedAead.MAX_SEGMENTS - 1}) {
            nonces.add(HexFormat.of().formatHex(SegmentedAead.nonce(header, index, false).getIV()));
            nonces.add(HexFormat.of().formatHex(SegmentedAead.nonce(header, index, true).getIV()));
        }
        assertThat(nonces).hasSize(12);
    }

    @Test
    void theSmallestAndLargestSegmentSizesAreAllowedAndNothingBeyond() {
        SegmentedAead.checkSegmentSize(SegmentedAead.MIN_SEGMENT_SIZE);
        SegmentedAead.checkSegmentSize(SegmentedAead.MAX_SEGMENT_SIZE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SegmentedAead.checkSegmentSize(SegmentedAead.MIN_SEGMENT_SIZE - 1))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SegmentedAead.checkSegmentSize(SegmentedAead.MAX_SEGMENT_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
