package org.treatyexchange.server.store.blob;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Blob ids: 26 characters of lower-case base32 (128 random bits). Every id from a caller is matched
 * against that alphabet before it becomes part of a path or an object key, so no caller can name
 * anything outside the store.
 */
final class BlobIds {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    static final Pattern ID = Pattern.compile("[a-z2-7]{26}");

    private final SecureRandom random = new SecureRandom();

    String next() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        StringBuilder s = new StringBuilder(26);
        int buffer = 0;
        int count = 0;
        for (byte b : bits) {
            buffer = (buffer << 8) | (b & 0xff);
            count += 8;
            while (count >= 5) {
                s.append(ALPHABET[(buffer >>> (count - 5)) & 31]);
                count -= 5;
            }
        }
        s.append(ALPHABET[(buffer << (5 - count)) & 31]); // the last 3 bits, zero-padded
        return s.toString();
    }

    /** The id itself, once checked; IllegalArgumentException for anything else. */
    static String checked(String blobId) {
        if (blobId == null || !ID.matcher(blobId).matches()) {
            throw new IllegalArgumentException("not a blob id");
        }
        return blobId;
    }

    static boolean isId(String s) {
        return ID.matcher(s).matches();
    }
}
