package org.treatyexchange.server.registry;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the nodes of a cluster keep the one registry they all use (the shared database). A single
 * node with its embedded database has none: its {@code config/registry.yaml} is the registry.
 */
public interface SharedRegistry {

    /** One publication of the registry text. */
    record Publication(long generation, String text) {
    }

    /** The newest generation, 0 when none was published yet; cheap, asked on every authentication. */
    long newestGeneration() throws IOException;

    /** The newest publication, if any. */
    Optional<Publication> newest() throws IOException;

    /**
     * Publishes {@code text} as generation {@code after + 1}.
     *
     * @return false when another node published that generation first (nothing written)
     */
    boolean publish(long after, String text, String publishedBy) throws IOException;
}
