package org.treatyexchange.server.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The segmented streaming AEAD format of documents at rest ("TXE1"), shared by the writer
 * ({@link SegmentEncryptor}) and the reader ({@link DecryptingChannel}).
 *
 * <pre>
 * blob    = header || segment_0 || ... || segment_(n-1)          n = max(1, ceil(size / S))
 * header  = "TXE1" (4) || version 0x01 (1) || S (int32 BE, 4) || nonce prefix (7 random bytes)
 *           = 16 bytes
 * segment_i = AES-256-GCM(dataKey, nonce_i, AAD = header, plaintext_i) = ciphertext || tag (16)
 * nonce_i = nonce prefix (7) || i (uint32 BE, 4) || last (1 byte: 0x01 for segment n-1, else 0x00)
 * </pre>
 *
 * Every segment but the last holds exactly S plaintext bytes; the last holds 1..S bytes, or 0 only
 * when the whole document is empty (then n = 1). So the blob length is
 * {@code 16 + size + 16 * n}, and the plaintext length follows from the blob length alone.
 *
 * <p>Why this detects each attack: a bit flip anywhere in a segment fails its tag; a flip in the
 * header fails every tag (the header is the AAD) or the header checks; swapping or moving segments
 * changes the index in the nonce; dropping the final segment (or cutting inside one) leaves a final
 * segment that was sealed with last = 0 or is short; appending leaves the real final segment
 * (sealed with last = 1) in a non-final position. The data key is random per document and never
 * reused, so a 7-byte random prefix plus a counter cannot repeat a nonce under one key.
 *
 * <p>Bulk encryption uses the JDK's SunJCE provider (AES-NI intrinsics), not Bouncy Castle.
 */
final class SegmentedAead {

    static final byte[] MAGIC = "TXE1".getBytes(StandardCharsets.US_ASCII);
    static final byte VERSION = 1;
    static final int HEADER_LENGTH = 16;
    static final int NONCE_PREFIX_LENGTH = 7;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int KEY_LENGTH = 32;
    static final int MIN_SEGMENT_SIZE = 16;
    static final int MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
    /** Segment indexes are 4 unsigned bytes in the nonce. */
    static final long MAX_SEGMENTS = 1L << 32;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private SegmentedAead() {
    }

    /** The parsed header; {@code bytes} is the exact AAD of every segment. */
    record Header(int segmentSize, byte[] noncePrefix, byte[] bytes) {

        static Header create(int segmentSize, SecureRandom random) {
            checkSegmentSize(segmentSize);
            byte[] prefix = new byte[NONCE_PREFIX_LENGTH];
            random.nextBytes(prefix);
            ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
            b.put(MAGIC).put(VERSION).putInt(segmentSize).put(prefix);
            return new Header(segmentSize, prefix, b.array());
        }

        static Header parse(byte[] bytes) throws TamperedDocumentException {
            if (bytes.length != HEADER_LENGTH) {
                throw new TamperedDocumentException("document header is truncated");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new TamperedDocumentException("document header has no TXE1 magic");
            }
            byte version = b.get();
            if (version != VERSION) {
                throw new TamperedDocumentException("document format version " + (version & 0xff) + " is not supported");
            }
            int segmentSize = b.getInt();
            if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
                throw new TamperedDocumentException("document header has an invalid segment size");
            }
            byte[] prefix = new byte[NONCE_PREFIX_LENGTH];
            b.get(prefix);
            return new Header(segmentSize, prefix, bytes.clone());
        }
    }

    static void checkSegmentSize(int segmentSize) {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segmentSize must be between " + MIN_SEGMENT_SIZE + " and "
                    + MAX_SEGMENT_SIZE + " bytes, got " + segmentSize);
        }
    }

    static long segmentCount(long plaintextSize, int segmentSize) {
        return plaintextSize == 0 ? 1 : (plaintextSize + segmentSize - 1) / segmentSize;
    }

    /** Offset in the blob of segment {@code index}'s first byte. */
    static long segmentOffset(long index, int segmentSize) {
        return HEADER_LENGTH + index * ((long) segmentSize + TAG_LENGTH);
    }

    /** The plaintext length a blob of {@code blobSize} bytes must hold; refuses lengths no writer produces. */
    static long plaintextSize(long blobSize, int segmentSize) throws TamperedDocumentException {
        long body = blobSize - HEADER_LENGTH;
        if (body < TAG_LENGTH) {
            throw new TamperedDocumentException("document is truncated");
        }
        long full = (long) segmentSize + TAG_LENGTH;
        long whole = body / full;
        long rest = body % full;
        if (rest == 0) {
            return whole * segmentSize;
        }
        if (rest < TAG_LENGTH || (rest == TAG_LENGTH && whole > 0)) {
            throw new TamperedDocumentException("document length is not a valid segment layout");
        }
        return whole * segmentSize + rest - TAG_LENGTH;
    }

    static GCMParameterSpec nonce(Header header, long index, boolean last) {
        byte[] nonce = new byte[NONCE_LENGTH];
        System.arraycopy(header.noncePrefix(), 0, nonce, 0, NONCE_PREFIX_LENGTH);
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
    }

    /** SunJCE when present (fast, AES-NI); the default provider otherwise (non-OpenJDK runtimes). */
    static Cipher newCipher() throws GeneralSecurityException {
        try {
            return Cipher.getInstance(TRANSFORMATION, "SunJCE");
        } catch (NoSuchProviderException e) {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (NoSuchPaddingException e) {
            throw new GeneralSecurityException("AES/GCM unavailable", e);
        }
    }

    /** Seals {@code len} bytes of {@code in} into {@code out} at 0; returns the ciphertext length. */
    static int seal(Cipher cipher, SecretKey key, Header header, long index, boolean last,
                    byte[] in, int len, byte[] out) throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, nonce(header, index, last));
        cipher.updateAAD(header.bytes());
        return cipher.doFinal(in, 0, len, out, 0);
    }

    /**
     * Opens one segment into {@code out}; nothing of it is usable unless this returns (GCM checks
     * the tag before releasing plaintext).
     */
    static int open(Cipher cipher, SecretKey key, Header header, long index, boolean last,
                    byte[] in, int len, byte[] out) throws TamperedDocumentException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(header, index, last));
            cipher.updateAAD(header.bytes());
            return cipher.doFinal(in, 0, len, out, 0);
        } catch (AEADBadTagException e) {
            throw new TamperedDocumentException("document segment " + index + " failed authentication");
        } catch (GeneralSecurityException e) {
            throw new TamperedDocumentException("document segment " + index + " could not be decrypted: "
                    + e.getClass().getSimpleName());
        }
    }
}
