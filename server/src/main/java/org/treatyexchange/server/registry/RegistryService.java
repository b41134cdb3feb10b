package org.treatyexchange.server.registry;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.config.ConfigException;

/**
 * Holds the current registry and reloads it on request.
 *
 * <p>Threading: {@link #current()} is lock-free and may be called from any thread, including
 * event loops; it returns an immutable snapshot. {@link #reload()} reads the file on the calling
 * thread (never call it on an event loop), validates the whole file, and only then swaps the
 * snapshot atomically; reloads are serialised so that each reports the difference to the
 * snapshot it replaced. A file that fails validation leaves the current registry in place.
 */
public final class RegistryService {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryService.class);

    private final Path file;
    private final Set<String> reportTypeIds;
    private final Path demoKeyDirectory;
    private final AtomicReference<Registry> current;

    /**
     * Loads the registry; see {@link RegistryLoader#load(Path, Set, Path)} for the parameters.
     *
     * @throws ConfigException if the file is missing or invalid
     */
    public RegistryService(Path file, Set<String> reportTypeIds, Path demoKeyDirectory) throws ConfigException {
        this.file = Objects.requireNonNull(file, "file");
        this.reportTypeIds = Set.copyOf(reportTypeIds);
        this.demoKeyDirectory = demoKeyDirectory;
        this.current = new AtomicReference<>(RegistryLoader.load(file, this.reportTypeIds, demoKeyDirectory));
    }

    /** The current snapshot. */
    public Registry current() {
        return current.get();
    }

    /**
     * Re-reads the file and, if it is valid, makes it current.
     *
     * @return what changed, for the audit event
     * @throws ConfigException if the file is invalid; the current registry is kept
     */
    public synchronized RegistryChange reload() throws ConfigException {
        Registry next = RegistryLoader.load(file, reportTypeIds, demoKeyDirectory);
        Registry previous = current.getAndSet(next);
        RegistryChange change = RegistryChange.between(previous, next);
        LOG.info("registry reloaded: {} added, {} removed, {} changed", change.added().size(), change.removed().size(),
                change.changed().size());
        return change;
    }
}
