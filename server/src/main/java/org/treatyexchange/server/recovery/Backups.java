package org.treatyexchange.server.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.home.ExchangeHome;
import org.treatyexchange.server.home.HomeException;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Stores;
import org.treatyexchange.server.store.blob.BlobStore;
import org.treatyexchange.server.store.blob.BlobStores;
import java.nio.ByteBuffer;

/**
 * Online backup of a running server and restore into a fresh home.
 *
 * <p>A backup directory holds {@code db/exchange} (Derby's own online backup: consistent as of the
 * end of the copy, while filings go on), {@code blobs/} (the encrypted documents, same ids),
 * {@code keys/} (the password-protected keystores, among them the SSH host keys sealed in
 * {@code ssh-host-keys.p12}, and certificates — never the password, never an unencrypted private key) and, written
 * last, {@code backup.json}: without it the backup is incomplete and restore refuses it. The order
 * is what makes it consistent: a document is committed before the record that refers to it, so every
 * document the copied database refers to exists when the documents are copied after it; master keys
 * are only ever added, so the keystore copied after the database opens every wrapped key in it.
 * Documents committed after the database copy are orphans in the backup and start-up removes them.
 */
public final class Backups {

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = "backup.json";
    private static final int FORMAT = 1;

    private Backups() {
    }

    /** A backup or restore could not be done; the message says what to do. */
    public static final class BackupException extends Exception {
        private static final long serialVersionUID = 1L;

        public BackupException(String message) {
            super(message);
        }

        public BackupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Takes backups of one running server (what the admin channel calls). */
    @FunctionalInterface
    public interface Online {
        Taken take(Path target) throws BackupException;
    }

    /** The backup source for a running server's store, documents and keys. */
    public static Online online(Store store, BlobStore blobs, ExchangeHome home, Clock clock) {
        return target -> take(store, blobs, home, target, clock);
    }

    /** What a backup holds. */
    public record Taken(Path directory, Instant takenAt, int documents, List<String> keyFiles) {
    }

    /** What a restore brought back, verified. */
    public record Restored(Path home, Instant backupTakenAt, int documents, int orphansSkipped, long auditEvents) {
    }

    /**
     * Takes an online backup of a running server into {@code target}, which must not exist yet; its
     * parent must. Everything written is forced to disk before {@code backup.json} is.
     */
    public static Taken take(Store store, BlobStore blobs, ExchangeHome home, Path target, Clock clock) throws BackupException {
        Path dir = target.toAbsolutePath().normalize();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException("the backup directory " + dir + " exists already; name a new one");
        }
        if (dir.getParent() == null || !Files.isDirectory(dir.getParent())) {
            throw new BackupException("the parent of the backup directory " + dir + " does not exist");
        }
        Instant takenAt = clock.instant();
        try {
            Files.createDirectory(dir);
            ExchangeHome.setOwnerOnly(dir);
            store.backup(dir.resolve("db"));
            syncTree(dir.resolve("db"));
            BlobStore copy = BlobStores.local(dir.resolve("blobs"), true);
            int documents = 0;
            for (String id : blobs.list()) {
                try (InputStream in = blobs.openStream(id)) {
                    copy.restore(id, in);
                    documents++;
                } catch (NoSuchFileException e) {
                    // removed since the listing: an unrecorded document discarded after a failed filing
                }
            }
            List<String> keyFiles = copyKeyFiles(home.keyDir(), dir.resolve("keys"));
            ObjectNode manifest = JSON.createObjectNode().put("format", FORMAT).put("takenAt", takenAt.toString())
                    .put("documents", documents).put("database", "db/" + home.databaseDir().getFileName());
            keyFiles.forEach(manifest.putArray("keyFiles")::add);
            writeDurably(dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            syncDirectory(dir);
            LOG.info("backup taken: {} documents, {} key files", documents, keyFiles.size());
            return new Taken(dir, takenAt, documents, keyFiles);
        } catch (IOException | StoreException | RuntimeException e) {
            deleteTree(dir); // no half-written backup that could be mistaken for one
            throw new BackupException("the backup failed (" + e.getMessage() + "); nothing was kept", e);
        }
    }

    /**
     * Restores a backup into {@code newHome}, which must not exist yet: copies it into a sibling
     * directory, opens the database there (migrating it to this version's schema), checks that every
     * document the records refer to is present and that the audit chain verifies, records the restore
     * in the audit log, and only then renames the directory to {@code newHome}. On any failure nothing
     * is left behind.
     */
    public static Restored restore(Path backup, Path newHome, Clock clock) throws BackupException {
        Path from = backup.toAbsolutePath().normalize();
        Path to = newHome.toAbsolutePath().normalize();
        JsonNode manifest = readManifest(from);
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException("the home " + to + " exists already; restore only into a new directory");
        }
        Path staging = to.resolveSibling(to.getFileName() + ".restoring");
        if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(staging + " exists (an earlier restore was interrupted); remove it first");
        }
        try {
            ExchangeHome home = ExchangeHome.open(staging);
            copyTree(from.resolve(manifest.path("database").asText("db/exchange")), home.databaseDir());
            copyFiles(from.resolve("keys"), home.keyDir());
            BlobStore source = BlobStores.local(from.resolve("blobs"), false);
            BlobStore target = BlobStores.local(home.blobDir(), true);
            Restored restored;
            Store store = Stores.derby(home.databaseDir());
            try {
                Set<String> referenced = new HashSet<>(store.read(tx -> tx.documentKeys().allBlobIds()));
                int orphans = 0;
                for (String id : source.list()) {
                    if (!referenced.remove(id)) {
                        orphans++; // committed after the database copy: nothing refers to it
                        continue;
                    }
                    try (InputStream in = source.openStream(id)) {
                        target.restore(id, in);
                    }
                }
                if (!referenced.isEmpty()) {
                    throw new BackupException("the backup is damaged: " + referenced.size() + " document(s) its database refers to are missing");
                }
                AuditVerification audit = AuditVerifier.verify(store);
                if (!audit.intact()) {
                    throw new BackupException("the backup's audit chain is broken at event " + audit.firstBadSeq() + ": " + audit.problem());
                }
                Instant takenAt = Instant.parse(manifest.path("takenAt").asText());
                new AuditLog(clock).record(store, AuditEvent.ok("admin.restore", "operator", "admin-cli", "-")
                        .withDetail("backupTakenAt", takenAt.toString())
                        .withDetail("documents", Integer.toString(target.list().size())));
                restored = new Restored(to, takenAt, target.list().size(), orphans, audit.eventsChecked() + 1);
            } finally {
                store.close();
            }
            syncTree(staging);
            Files.move(staging, to, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(to.getParent());
            return restored;
        } catch (BackupException e) {
            deleteTree(staging);
            throw e;
        } catch (IOException | StoreException | HomeException | RuntimeException e) {
            deleteTree(staging);
            throw new BackupException("the restore failed: " + e.getMessage() + "; nothing was restored", e);
        }
    }

    private static JsonNode readManifest(Path from) throws BackupException {
        Path file = from.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new BackupException(from + " is not a complete backup (no " + MANIFEST + "): the backup did not finish");
        }
        try {
            JsonNode m = JSON.readTree(file.toFile());
            if (m == null || m.path("format").asInt() != FORMAT || !m.hasNonNull("takenAt")) {
                throw new BackupException(file + " is not a backup manifest of format " + FORMAT);
            }
            return m;
        } catch (IOException e) {
            throw new BackupException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * What of the key directory a backup may carry: password-protected PKCS#12 keystores (among them
     * {@code ssh-host-keys.p12}, the host keys), and certificates and public keys. Never the keystore
     * password (the demo's {@code demo-master-password}) and never an unencrypted private key (the
     * OpenSSH host key files MINA reads): pen-test finding 4 found both in every backup.
     */
    static boolean belongsInBackup(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".p12") || name.endsWith(".pub")) {
            return true;
        }
        if (name.endsWith(".pem")) {
            String pem = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
            return pem.contains("-----BEGIN CERTIFICATE-----") && !pem.contains("PRIVATE KEY");
        }
        return false;
    }

    /** Copies the files of the key directory that {@link #belongsInBackup belong in a backup}, durably; returns their names. */
    private static List<String> copyKeyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        ExchangeHome.setOwnerOnly(to);
        List<String> names = new ArrayList<>();
        List<String> left = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
            for (Path f : files) {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!belongsInBackup(f)) {
                    left.add(f.getFileName().toString());
                    continue;
                }
                Path copy = to.resolve(f.getFileName().toString());
                Files.copy(f, copy, StandardCopyOption.COPY_ATTRIBUTES);
                sync(copy);
                names.add(f.getFileName().toString());
            }
        }
        syncDirectory(to);
        names.sort(null);
        if (!left.isEmpty()) {
            left.sort(null);
            LOG.info("backup: left out of keys/ (no password, no unencrypted private key in a backup): {}", left);
        }
        return names;
    }

    /** Copies the regular files of {@code from} (not sub-directories) into {@code to}, durably; returns their names. */
    private static List<String> copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        ExchangeHome.setOwnerOnly(to);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Path copy = to.resolve(f.getFileName().toString());
                    Files.copy(f, copy, StandardCopyOption.COPY_ATTRIBUTES);
                    sync(copy);
                    names.add(f.getFileName().toString());
                }
            }
        }
        syncDirectory(to);
        names.sort(null);
        return names;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new NoSuchFileException("the backup has no database at " + from);
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                    ExchangeHome.setOwnerOnly(target);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Forces every file and directory below {@code root} to disk. */
    private static void syncTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    sync(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    syncDirectory(p);
                }
            }
        }
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) { // fsync needs no write access
            ch.force(true);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the unfinished restore {}: {}", root, e.getMessage());
        }
    }
}
