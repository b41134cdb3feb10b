package org.treatyexchange.server.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A slow, memory-hard password hash (Argon2id, RFC 9106) in the PHC string format
 * {@code $argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>} (unpadded standard Base64), so the string says
 * how it was made and stronger parameters can be adopted later without breaking stored hashes.
 * Parsing refuses anything weaker than {@link #MIN_MEMORY_KIB}/{@link #MIN_ITERATIONS} (and absurdly
 * large values, which would let a registry typo stall every login), so a plaintext or weak value in
 * the registry is an error at load time, never a login that works. {@link #toString()} names the
 * parameters only: the hash never reaches a log.
 */
public final class PasswordHash {

    /** Memory of new hashes, KiB (64 MiB). */
    public static final int MEMORY_KIB = 65_536;
    /** Passes over memory of new hashes. */
    public static final int ITERATIONS = 3;
    /** Lanes of new hashes. */
    public static final int PARALLELISM = 1;
    /** The floor: OWASP's minimum for Argon2id (19 MiB, 2 passes). */
    public static final int MIN_MEMORY_KIB = 19_456;
    public static final int MIN_ITERATIONS = 2;
    static final int MAX_MEMORY_KIB = 1_048_576;
    static final int MAX_ITERATIONS = 16;
    static final int MAX_PARALLELISM = 16;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{22,88})\\$([A-Za-z0-9+/]{43,88})");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Stands in for a missing hash, so that an unknown account costs one full KDF run too. */
    private static final PasswordHash DECOY = new PasswordHash(MEMORY_KIB, ITERATIONS, PARALLELISM,
            random(SALT_BYTES), random(HASH_BYTES));

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes {@code password} with the current parameters and a fresh random salt. */
    public static PasswordHash create(char[] password) {
        byte[] salt = random(SALT_BYTES);
        return new PasswordHash(MEMORY_KIB, ITERATIONS, PARALLELISM, salt,
                derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES));
    }

    /**
     * Hashes a password that is itself a long random secret (the demo's generated 100-bit passwords) at the
     * floor parameters ({@link #MIN_MEMORY_KIB}, {@link #MIN_ITERATIONS}): guessing such a password is
     * hopeless however fast the hash, and the floor keeps start-up and login cheap. Never for a password a
     * person chose.
     */
    public static PasswordHash createForRandomSecret(char[] password) {
        byte[] salt = random(SALT_BYTES);
        return new PasswordHash(MIN_MEMORY_KIB, MIN_ITERATIONS, PARALLELISM, salt,
                derive(password, salt, MIN_MEMORY_KIB, MIN_ITERATIONS, PARALLELISM, HASH_BYTES));
    }

    /**
     * Reads a PHC string.
     *
     * @throws IllegalArgumentException saying what is wrong, without repeating the value (it might be
     *     a plaintext password pasted by mistake)
     */
    public static PasswordHash parse(String phc) {
        Matcher m = PHC.matcher(phc == null ? "" : phc.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be an Argon2id hash in PHC format, "
                    + "$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>, as printed by scripts/admin hash-password "
                    + "(never the password itself)");
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        if (memory < MIN_MEMORY_KIB || iterations < MIN_ITERATIONS || parallelism < 1) {
            throw new IllegalArgumentException("uses weak Argon2id parameters (m=" + memory + ",t=" + iterations + ",p="
                    + parallelism + "); at least m=" + MIN_MEMORY_KIB + ",t=" + MIN_ITERATIONS
                    + ",p=1 are required; hash the password again with scripts/admin hash-password");
        }
        if (memory > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism > MAX_PARALLELISM
                || memory < 8 * parallelism) {
            throw new IllegalArgumentException("uses Argon2id parameters too costly to verify at every login (m=" + memory
                    + ",t=" + iterations + ",p=" + parallelism + "); at most m=" + MAX_MEMORY_KIB + ",t=" + MAX_ITERATIONS
                    + ",p=" + MAX_PARALLELISM + "; hash the password again with scripts/admin hash-password");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] salt = b64.decode(m.group(4));
        byte[] hash = b64.decode(m.group(5));
        if (salt.length < SALT_BYTES || hash.length < HASH_BYTES) {
            throw new IllegalArgumentException("has a salt shorter than " + SALT_BYTES + " bytes or a hash shorter than "
                    + HASH_BYTES + " bytes; hash the password again with scripts/admin hash-password");
        }
        return new PasswordHash(memory, iterations, parallelism, salt, hash);
    }

    /** Whether {@code password} matches; one full KDF run and a constant-time comparison. */
    public boolean matches(char[] password) {
        byte[] candidate = derive(password, salt, memoryKib, iterations, parallelism, hash.length);
        try {
            return MessageDigest.isEqual(candidate, hash);
        } finally {
            Arrays.fill(candidate, (byte) 0);
        }
    }

    /**
     * Spends the same work as {@link #matches} on a hash nobody has, and answers false: for an unknown
     * account, or one without a password, so that timing does not tell them from a wrong password.
     */
    public static boolean matchesNothing(char[] password) {
        DECOY.matches(password);
        return false;
    }

    /** The PHC string, for the registry. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    public int memoryKib() {
        return memoryKib;
    }

    public int iterations() {
        return iterations;
    }

    public int parallelism() {
        return parallelism;
    }

    /** The parameters only; never the salt or the hash. */
    @Override
    public String toString() {
        return "argon2id(m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + ")";
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] utf8 = utf8(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(utf8, out);
            return out;
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
