package org.treatyexchange.server.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.ConfiguredStorage;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.home.ExchangeHome;
import org.treatyexchange.server.home.HomeException;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Stores;
import org.treatyexchange.server.store.blob.BlobStore;
import org.treatyexchange.server.store.blob.BlobStores;

/**
 * Moves a stopped single-node home (embedded Derby, documents in the home) onto PostgreSQL and,
 * optionally, an object store ({@code scripts/admin migrate-store}). The home is only read: it stays
 * as it was, to fall back on. The target must be empty; the documents go first (as the server writes
 * them: a record never appears before its document), then every record in one transaction. Before it
 * says done, it checks the target: the same rows per table, an intact audit chain of the same length,
 * and every document present with the same SHA-256 (the documents are ciphertext: they move as bytes,
 * no key is needed). A failure before the records commit removes the documents it copied.
 */
public final class StoreMigration {

    private static final Logger LOG = LoggerFactory.getLogger(StoreMigration.class);

    private StoreMigration() {
    }

    /** The move could not be done or did not check out; the message says what and what to do. */
    public static final class MigrationException extends Exception {
        private static final long serialVersionUID = 1L;

        MigrationException(String message) {
            super(message);
        }
    }

    /** What was moved and checked. */
    public record Migrated(Map<String, Long> rows, int documents, boolean documentsMoved, long auditEvents) {
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Moves {@code home}'s store into {@code database} (a PostgreSQL server) and, when {@code objectStore}
     * is enabled, its documents into that object store; else the documents stay in the home.
     */
    public static Migrated run(ExchangeHome home, ServerConfig.Database database, ServerConfig.ObjectStore objectStore,
            Map<String, String> env, Clock clock) throws MigrationException {
        if (database.embedded()) {
            throw new MigrationException("name the PostgreSQL database to move into (a jdbc:postgresql:// URL)");
        }
        if (!Files.isDirectory(home.databaseDir())) {
            throw new MigrationException("there is no embedded database in " + home.databaseDir() + ": nothing to move");
        }
        try (Store source = openSource(home)) {
            AuditVerification chain = AuditVerifier.verify(source);
            if (!chain.intact()) {
                throw new MigrationException("the home's audit chain is broken (" + chain.problem() + "): not moved; "
                        + "investigate with scripts/admin verify-audit first");
            }
            BlobStore localBlobs = BlobStores.local(home.blobDir(), true);
            try (Store target = ConfiguredStorage.openStore(database, home, env)) {
                requireEmpty(target);
                if (!objectStore.enabled()) {
                    return move(source, target, localBlobs, null, chain);
                }
                BlobStore remote = ConfiguredStorage.openBlobs(ServerConfig.Storage.DEFAULTS.withObjectStore(objectStore), home, env, clock);
                try {
                    return move(source, target, localBlobs, remote, chain);
                } finally {
                    if (remote instanceof AutoCloseable closeable) {
                        closeable.close();
                    }
                }
            }
        } catch (StoreException | ConfigException | HomeException e) {
            throw new MigrationException(e.getMessage());
        } catch (MigrationException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationException("the move failed: " + e);
        }
    }

    private static Store openSource(ExchangeHome home) throws MigrationException {
        try {
            return Stores.derby(home.databaseDir());
        } catch (StoreException e) {
            throw new MigrationException("cannot open the embedded database in " + home.databaseDir()
                    + " (is the server still running on this home? stop it first): " + e.getMessage());
        }
    }

    private static void requireEmpty(Store target) throws MigrationException, StoreException {
        try {
            Stores.requireEmpty(target);
        } catch (StoreException e) {
            if (e.reason() == StoreException.Reason.ABORTED) {
                throw new MigrationException(e.getMessage());
            }
            throw e;
        }
    }

    private static Migrated move(Store source, Store target, BlobStore localBlobs, BlobStore remote, AuditVerification chain)
            throws Exception {
        List<String> ids = source.read(tx -> tx.documentKeys().allBlobIds());
        for (String id : ids) {
            if (!localBlobs.exists(id)) {
                throw new MigrationException("document " + id + " is recorded but missing from " + "the home: not moved");
            }
        }
        List<String> copied = new ArrayList<>();
        Map<String, Long> rows;
        try {
            if (remote != null) {
                if (!remote.list().isEmpty()) {
                    throw new MigrationException("the object store already holds documents under that prefix: move into an empty one");
                }
                for (String id : ids) {
                    try (InputStream in = localBlobs.openStream(id)) {
                        remote.restore(id, in);
                    }
                    copied.add(id);
                }
            }
            rows = Stores.copy(source, target);
        } catch (Exception e) {
            for (String id : copied) {
                try {
                    remote.delete(id);
                } catch (IOException ignored) {
                    // an unreferenced object; start-up recovery removes it after the grace period
                }
            }
            if (e instanceof StoreException s && s.reason() == StoreException.Reason.ABORTED) {
                throw new MigrationException(s.getMessage());
            }
            throw e;
        }
        check(source, target, rows, chain);
        // Documents left in the home were checked present above; only copies can differ from their source.
        for (String id : remote == null ? List.<String>of() : ids) {
            if (!remote.exists(id) || !sha256(localBlobs, id).equals(sha256(remote, id))) {
                throw new MigrationException("document " + id + " differs in the target after the copy: do not use the target");
            }
        }
        LOG.info("moved the store: {} rows, {} documents{}, audit chain intact ({} events)", rows.values().stream().mapToLong(Long::longValue).sum(),
                ids.size(), remote != null ? " into the object store" : "", chain.eventsChecked());
        return new Migrated(rows, ids.size(), remote != null, chain.eventsChecked());
    }

    private static void check(Store source, Store target, Map<String, Long> copied, AuditVerification sourceChain)
            throws MigrationException, StoreException {
        Map<String, Long> expected = Stores.rowCounts(source);
        Map<String, Long> found = Stores.rowCounts(target);
        if (!expected.equals(found) || !expected.equals(copied)) {
            throw new MigrationException("the target's rows differ from the home's after the copy (home " + expected + ", target "
                    + found + "): do not use the target");
        }
        AuditVerification chain = AuditVerifier.verify(target);
        if (!chain.intact() || chain.eventsChecked() != sourceChain.eventsChecked()) {
            throw new MigrationException("the target's audit chain does not verify after the copy (" + chain.problem() + ", "
                    + chain.eventsChecked() + " of " + sourceChain.eventsChecked() + " events): do not use the target");
        }
    }

    private static String sha256(BlobStore blobs, String id) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(blobs.openStream(id), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
