package org.treatyexchange.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import org.treatyexchange.server.registry.SharedRegistry;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/** The cluster's registry in the shared database ({@code registry_version}, {@code registry_chunk}). */
final class DatabaseRegistry implements SharedRegistry {

    private final Store store;
    private final Clock clock;

    DatabaseRegistry(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public long newestGeneration() throws IOException {
        try {
            return store.read(tx -> tx.registry().newestGeneration());
        } catch (StoreException e) {
            throw new IOException("the registry's generation cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Publication> newest() throws IOException {
        try {
            return store.read(tx -> {
                Optional<org.treatyexchange.server.store.RegistryRecords.Published> p = tx.registry().newest();
                if (p.isEmpty()) {
                    return Optional.<Publication>empty();
                }
                return Optional.of(new Publication(p.get().generation(), checked(p.get().text(), p.get().sha256())));
            });
        } catch (StoreException e) {
            throw new IOException("the registry cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean publish(long after, String text, String publishedBy) throws IOException {
        try {
            store.inTransaction(tx -> {
                tx.registry().publish(after + 1, text, sha256(text), clock.instant(), publishedBy);
                return null;
            });
            return true;
        } catch (StoreException e) {
            if (e.reason() == StoreException.Reason.DUPLICATE) {
                return false;
            }
            throw new IOException("the registry cannot be published: " + e.getMessage(), e);
        }
    }

    /** The text as published, or an error when its chunks do not add up to what was published. */
    private static String checked(String text, String sha256) throws StoreException {
        if (!sha256(text).equals(sha256)) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "the published registry does not match its SHA-256", null);
        }
        return text;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
