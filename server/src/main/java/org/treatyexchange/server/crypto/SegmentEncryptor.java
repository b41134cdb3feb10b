package org.treatyexchange.server.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes the {@link SegmentedAead} format to a stream in one pass: each plaintext byte is hashed,
 * counted and copied into the one segment buffer; a full segment is sealed only when the next byte
 * arrives (or at {@link #finish()}), because only then is it known whether it is the last one.
 * Not thread-safe.
 */
final class SegmentEncryptor {

    private final OutputStream out;
    private final SecretKey key;
    private final SegmentedAead.Header header;
    private final Cipher cipher;
    private final MessageDigest sha256;
    private final byte[] plain;
    private final byte[] sealed;
    private int fill;
    private long index;
    private long size;
    private boolean finished;

    SegmentEncryptor(OutputStream out, byte[] dataKey, int segmentSize, SecureRandom random) throws IOException {
        this.out = out;
        this.header = SegmentedAead.Header.create(segmentSize, random);
        this.key = new SecretKeySpec(dataKey, "AES");
        try {
            this.cipher = SegmentedAead.newCipher();
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IOException("document encryption unavailable: " + e.getMessage(), e);
        }
        this.plain = new byte[segmentSize];
        this.sealed = new byte[segmentSize + SegmentedAead.TAG_LENGTH];
        out.write(header.bytes());
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IllegalStateException("upload already finished");
        }
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (fill == plain.length) {
                sealAndWrite(false);
            }
            int n = Math.min(len, plain.length - fill);
            System.arraycopy(b, off, plain, fill, n);
            sha256.update(b, off, n);
            fill += n;
            size += n;
            off += n;
            len -= n;
        }
    }

    long size() {
        return size;
    }

    /** Seals the final segment (possibly empty, for an empty document) and returns the SHA-256 hex. */
    String finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("upload already finished");
        }
        sealAndWrite(true);
        out.flush();
        finished = true;
        Arrays.fill(plain, (byte) 0);
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Drops the plaintext still buffered. */
    void wipe() {
        Arrays.fill(plain, (byte) 0);
    }

    private void sealAndWrite(boolean last) throws IOException {
        if (index >= SegmentedAead.MAX_SEGMENTS) {
            throw new IOException("document too large for segment size " + plain.length);
        }
        int n;
        try {
            n = SegmentedAead.seal(cipher, key, header, index, last, plain, fill, sealed);
        } catch (GeneralSecurityException e) {
            throw new IOException("document segment " + index + " could not be sealed: " + e.getClass().getSimpleName(), e);
        }
        out.write(sealed, 0, n);
        index++;
        fill = 0;
    }
}
