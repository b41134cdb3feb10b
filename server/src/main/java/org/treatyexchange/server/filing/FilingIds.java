package org.treatyexchange.server.filing;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Filing ids: UTC millisecond of receipt plus 50 random bits, e.g. {@code 20261123T031611042Z-7KQ2M9XW4D}.
 * They sort by time (so listings read oldest first; within one process strictly, as the stamp never
 * repeats), need no coordination between nodes, and the database's primary key catches the rare
 * collision between nodes (the caller retries with a new id).
 */
public final class FilingIds {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray(); // Crockford base32
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private FilingIds() {
    }

    private static final java.util.concurrent.atomic.AtomicLong LAST_MILLI = new java.util.concurrent.atomic.AtomicLong();

    static String next(Instant at) {
        long milli = LAST_MILLI.updateAndGet(last -> Math.max(last + 1, at.toEpochMilli()));
        StringBuilder sb = new StringBuilder(30).append(STAMP.format(Instant.ofEpochMilli(milli))).append('-');
        long bits = RANDOM.nextLong();
        for (int i = 0; i < 10; i++) {
            sb.append(ALPHABET[(int) (bits & 31)]);
            bits >>>= 5;
        }
        return sb.toString();
    }

    /** Whether a string has the shape of a filing id (checked before any lookup). */
    public static boolean isWellFormed(String id) {
        return id != null && id.matches("\\d{8}T\\d{9}Z-[0-9A-HJKMNP-TV-Z]{10}");
    }
}
