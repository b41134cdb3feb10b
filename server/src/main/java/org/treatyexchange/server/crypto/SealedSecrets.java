package org.treatyexchange.server.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Small secrets kept in the database (a person's TOTP secret), encrypted at rest as documents are: each
 * under its own random data key (AES-256-GCM), the data key wrapped by the active master key
 * ({@link MasterKeys#wrap}). Both layers bind a purpose label (e.g. {@code totp:arcadia-officer}), so a
 * sealed secret copied to another account's row does not open. Old master keys stay in the keystore, so a
 * rotation leaves sealed secrets readable.
 */
public final class SealedSecrets {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeys masterKeys;

    public SealedSecrets(MasterKeys masterKeys) {
        this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
    }

    /**
     * A sealed secret: the master key that wraps its data key, and {@code len(wrapped) || wrapped ||
     * nonce || ciphertext+tag}.
     */
    public record Sealed(String masterKeyId, byte[] sealed) {
    }

    public Sealed seal(byte[] secret, String purpose) throws GeneralSecurityException {
        byte[] aad = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = new byte[SegmentedAead.KEY_LENGTH];
        RANDOM.nextBytes(dataKey);
        try {
            String keyId;
            byte[] wrapped;
            do { // a rotation between the two calls would name the wrong key: try again
                keyId = masterKeys.activeKeyId();
                wrapped = masterKeys.wrap(dataKey, aad);
            } while (!keyId.equals(masterKeys.activeKeyId()));
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(secret);
            ByteBuffer out = ByteBuffer.allocate(2 + wrapped.length + NONCE + ct.length);
            out.putShort((short) wrapped.length).put(wrapped).put(nonce).put(ct);
            return new Sealed(keyId, out.array());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The secret; fails if it was sealed for another purpose or has been altered. */
    public byte[] open(Sealed sealed, String purpose) throws GeneralSecurityException {
        byte[] aad = purpose.getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.wrap(sealed.sealed());
        int wrappedLength = in.getShort() & 0xffff;
        if (wrappedLength > in.remaining() - NONCE) {
            throw new javax.crypto.AEADBadTagException("sealed secret is malformed");
        }
        byte[] wrapped = new byte[wrappedLength];
        in.get(wrapped);
        byte[] nonce = new byte[NONCE];
        in.get(nonce);
        byte[] ct = new byte[in.remaining()];
        in.get(ct);
        byte[] dataKey = masterKeys.unwrap(sealed.masterKeyId(), wrapped, aad);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            return c.doFinal(ct);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }
}
