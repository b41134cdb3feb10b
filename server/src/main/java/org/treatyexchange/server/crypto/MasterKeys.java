package org.treatyexchange.server.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;

/**
 * The AES-256 master keys that wrap every document's data key, kept in a password-protected
 * PKCS#12 file (one {@code SecretKeyEntry} per key, file mode 0600, replaced atomically on change).
 *
 * <p>Exactly one key is active: new data keys are wrapped under it. {@link #rotate()} adds a new
 * active key and keeps the old ones, so every wrapped key still opens; {@link #rewrap} then moves
 * a wrapped key to the active key without touching the document. Key ids are time ordered:
 * {@code mk-20261123T031611Z-k3x9q2mfa7}. Which key is active is recorded in the keystore itself
 * (the active entry's alias ends in {@value #ACTIVE_SUFFIX}) so it survives restarts.
 *
 * <p>Wrapped key = 96-bit random nonce || AES-256-GCM(master key, nonce, data key) with the
 * master key id and the caller's AAD (for documents: the blob id) as associated data, so a
 * wrapped key moved to another document, or relabelled with another key id, fails to unwrap.
 *
 * <p>Thread-safe. The password is copied and kept in memory to persist rotations; it is never
 * logged.
 */
public final class MasterKeys {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);

    static final String ACTIVE_SUFFIX = ".active";
    private static final String KEYSTORE_TYPE = "PKCS12";
    private static final int KEY_BITS = 256;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] WRAP_DOMAIN = "TX-DATAKEY-WRAP-1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLOB_DOMAIN = "blob:".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    // PKCS#12 lower-cases aliases, so ids are recovered from this shape.
    private static final Pattern ALIAS = Pattern.compile("mk-(\\d{8})t(\\d{6})z-([a-z2-7]{10})(\\.active)?");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final Path file;
    private final char[] password;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Immutable snapshot; replaced as a whole by {@link #rotate()}. */
    private volatile Keys keys;

    private record Keys(Map<String, SecretKey> byId, String activeId) {
    }

    private MasterKeys(Path file, char[] password, Clock clock, Keys keys) {
        this.file = file;
        this.password = password;
        this.clock = clock;
        this.keys = keys;
    }

    /** {@link #openOrCreate(Path, char[], Clock)} with the system UTC clock. */
    public static MasterKeys openOrCreate(Path keystoreFile, char[] password) throws IOException, GeneralSecurityException {
        return openOrCreate(keystoreFile, password, Clock.systemUTC());
    }

    /**
     * Opens the keystore, or creates it with one active key when the file does not exist.
     *
     * @throws KeyStoreException "master keystore &lt;name&gt; could not be opened: wrong password or
     *         damaged file", or when the file holds no usable key set
     */
    public static MasterKeys openOrCreate(Path keystoreFile, char[] password, Clock clock)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(keystoreFile, "keystoreFile");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clock, "clock");
        if (password.length == 0) {
            throw new IllegalArgumentException("master keystore password must not be empty");
        }
        char[] copy = password.clone();
        if (Files.exists(keystoreFile)) {
            warnIfReadableByOthers(keystoreFile);
            Keys keys = load(keystoreFile, copy);
            LOG.info("master keystore {} opened: {} key(s), active {}", keystoreFile.getFileName(),
                    keys.byId().size(), keys.activeId());
            return new MasterKeys(keystoreFile, copy, clock, keys);
        }
        MasterKeys created = new MasterKeys(keystoreFile, copy, clock, new Keys(Map.of(), null));
        String id = created.rotate();
        LOG.info("master keystore {} created with key {}", keystoreFile.getFileName(), id);
        return created;
    }

    /** The id of the key that wraps new data keys. */
    public String activeKeyId() {
        return keys.activeId();
    }

    /** Every key id in the keystore, oldest first. */
    public Set<String> keyIds() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(keys.byId().keySet()));
    }

    /**
     * Wraps {@code dataKey} under the active key with {@code aad} bound to it. Prefer
     * {@link #wrapFor(String, byte[])}, which also returns the key id needed to unwrap.
     */
    public byte[] wrap(byte[] dataKey, byte[] aad) throws GeneralSecurityException {
        Keys snapshot = keys;
        return wrap(snapshot.byId().get(snapshot.activeId()), snapshot.activeId(), dataKey, aad);
    }

    /** Wraps a document's data key under the active key, bound to {@code blobId}. */
    public DocumentKey wrapFor(String blobId, byte[] dataKey) throws GeneralSecurityException {
        requireBlobId(blobId);
        Keys snapshot = keys;
        String id = snapshot.activeId();
        return new DocumentKey(blobId, id, wrap(snapshot.byId().get(id), id, dataKey, blobAad(blobId)));
    }

    /** Unwraps bytes made by {@link #wrap(byte[], byte[])} under key {@code keyId}. */
    public byte[] unwrap(String keyId, byte[] wrapped, byte[] aad) throws GeneralSecurityException {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(aad, "aad");
        SecretKey master = keys.byId().get(keyId);
        if (master == null) {
            throw new KeyException("unknown master key id " + keyId);
        }
        if (wrapped.length != NONCE_LENGTH + SegmentedAead.KEY_LENGTH + TAG_BITS / 8) {
            throw new AEADBadTagException("wrapped data key has the wrong length");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_LENGTH));
        cipher.updateAAD(associatedData(keyId, aad));
        try {
            return cipher.doFinal(wrapped, NONCE_LENGTH, wrapped.length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw new AEADBadTagException("wrapped data key does not authenticate under master key " + keyId);
        }
    }

    /** Unwraps a document's data key with the master key the record names, bound to its blob id. */
    public byte[] unwrap(DocumentKey key) throws GeneralSecurityException {
        Objects.requireNonNull(key, "key");
        requireBlobId(key.blobId());
        try {
            return unwrap(key.masterKeyId(), key.wrappedKey(), blobAad(key.blobId()));
        } catch (AEADBadTagException e) {
            throw new AEADBadTagException("data key of blob " + key.blobId()
                    + " does not authenticate under master key " + key.masterKeyId());
        }
    }

    /** The same data key wrapped under the active key; unchanged when it already is. */
    public DocumentKey rewrap(DocumentKey key) throws GeneralSecurityException {
        Keys snapshot = keys;
        if (snapshot.activeId().equals(key.masterKeyId())) {
            return key;
        }
        byte[] dataKey = unwrap(key);
        try {
            String id = snapshot.activeId();
            return new DocumentKey(key.blobId(), id, wrap(snapshot.byId().get(id), id, dataKey, blobAad(key.blobId())));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Adds a new active key (the old ones stay, so existing wrapped keys still open), writes the
     * keystore durably, and returns the new id. Nothing changes in memory if the write fails.
     */
    public synchronized String rotate() throws IOException, GeneralSecurityException {
        Keys current = keys;
        String id = nextId(current.byId().keySet());
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(KEY_BITS, random);
        SecretKey key = generator.generateKey();
        TreeMap<String, SecretKey> byId = new TreeMap<>(current.byId());
        byId.put(id, key);
        Keys next = new Keys(Collections.unmodifiableMap(byId), id);
        store(next);
        keys = next;
        LOG.info("master keystore {}: key {} is now active ({} keys)", file.getFileName(), id, byId.size());
        return id;
    }

    /** Binds a wrapped data key to its blob id. */
    static byte[] blobAad(String blobId) {
        byte[] id = blobId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(BLOB_DOMAIN.length + id.length).put(BLOB_DOMAIN).put(id).array();
    }

    private byte[] wrap(SecretKey master, String keyId, byte[] dataKey, byte[] aad) throws GeneralSecurityException {
        Objects.requireNonNull(dataKey, "dataKey");
        Objects.requireNonNull(aad, "aad");
        if (dataKey.length != SegmentedAead.KEY_LENGTH) {
            throw new IllegalArgumentException("data key must be 32 bytes, got " + dataKey.length);
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData(keyId, aad));
        byte[] sealed = cipher.doFinal(dataKey);
        return ByteBuffer.allocate(NONCE_LENGTH + sealed.length).put(nonce).put(sealed).array();
    }

    /** domain || len(keyId) || keyId || aad: unambiguous, so no two (id, aad) pairs collide. */
    private static byte[] associatedData(String keyId, byte[] aad) {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(WRAP_DOMAIN.length + 4 + id.length + aad.length)
                .put(WRAP_DOMAIN).putInt(id.length).put(id).put(aad).array();
    }

    private static void requireBlobId(String blobId) {
        if (blobId == null || blobId.isEmpty()) {
            throw new IllegalArgumentException("blobId must not be empty");
        }
    }

    /** Time ordered and strictly after every existing id, even if the clock went backwards. */
    private String nextId(Set<String> existing) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        for (String id : existing) {
            Instant t = Instant.from(ID_TIME.parse(id.substring(3, 19)));
            if (!now.isAfter(t)) {
                now = t.plusSeconds(1);
            }
        }
        char[] suffix = new char[10];
        for (int i = 0; i < suffix.length; i++) {
            suffix[i] = BASE32[random.nextInt(BASE32.length)];
        }
        return "mk-" + ID_TIME.format(now) + "-" + new String(suffix);
    }

    private void store(Keys next) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KEYSTORE_TYPE);
        ks.load(null, null);
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
        for (Map.Entry<String, SecretKey> e : next.byId().entrySet()) {
            String alias = e.getKey().toLowerCase(Locale.ROOT) + (e.getKey().equals(next.activeId()) ? ACTIVE_SUFFIX : "");
            ks.setEntry(alias, new KeyStore.SecretKeyEntry(e.getValue()), protection);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ks.store(bytes, password);
        OwnerOnlyFiles.writeSecret(file, bytes.toByteArray());
    }

    private static Keys load(Path file, char[] password) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        KeyStore ks = KeyStore.getInstance(KEYSTORE_TYPE);
        try {
            ks.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // No cause: the JDK's chain says nothing more useful and only adds stack noise.
            LOG.debug("master keystore {} load failed: {}", file.getFileName(), e.getClass().getName());
            throw new KeyStoreException("master keystore " + file.getFileName()
                    + " could not be opened: wrong password or damaged file");
        }
        TreeMap<String, SecretKey> byId = new TreeMap<>();
        String active = null;
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
        for (String alias : Collections.list(ks.aliases())) {
            Matcher m = ALIAS.matcher(alias);
            if (!m.matches()) {
                throw new KeyStoreException("master keystore " + file.getFileName()
                        + " has an entry '" + alias + "' that is not a master key id");
            }
            String id = "mk-" + m.group(1) + "T" + m.group(2) + "Z-" + m.group(3);
            KeyStore.Entry entry = ks.getEntry(alias, protection);
            if (!(entry instanceof KeyStore.SecretKeyEntry secret)
                    || secret.getSecretKey().getEncoded() == null
                    || secret.getSecretKey().getEncoded().length != KEY_BITS / 8) {
                throw new KeyStoreException("master keystore " + file.getFileName()
                        + " entry " + id + " is not an AES-256 secret key");
            }
            byId.put(id, new SecretKeySpec(secret.getSecretKey().getEncoded(), "AES"));
            if (m.group(4) != null) {
                if (active != null) {
                    throw new KeyStoreException("master keystore " + file.getFileName()
                            + " marks more than one key active: " + active + ", " + id);
                }
                active = id;
            }
        }
        if (active == null) {
            throw new KeyStoreException("master keystore " + file.getFileName() + " has no active key");
        }
        return new Keys(Collections.unmodifiableMap(byId), active);
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (OwnerOnlyFiles.isPosix(file)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            perms.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            if (!perms.isEmpty()) {
                LOG.warn("master keystore {} is accessible by others; run chmod 600 on it", file.getFileName());
            }
        }
    }
}
