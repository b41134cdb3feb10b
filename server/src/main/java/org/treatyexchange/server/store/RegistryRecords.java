package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The registry text published for every node of a cluster, one generation per publication. */
public interface RegistryRecords {

    /** One publication: its generation, the YAML text, and who published it when. */
    record Published(long generation, String text, String sha256, Instant publishedAt, String publishedBy) {
        public Published {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(publishedAt, "publishedAt");
            Objects.requireNonNull(publishedBy, "publishedBy");
        }
    }

    /** The newest generation, 0 when nothing was published yet: one indexed read, asked on every authentication. */
    long newestGeneration() throws StoreException;

    /** The newest publication, if any. */
    Optional<Published> newest() throws StoreException;

    /**
     * Publishes {@code text} as generation {@code generation}, which must be the newest plus one.
     *
     * @throws StoreException {@code DUPLICATE} when another node published that generation first
     */
    void publish(long generation, String text, String sha256, Instant at, String by) throws StoreException;
}
