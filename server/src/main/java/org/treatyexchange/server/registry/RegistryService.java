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

    /**
     * Registers an SSH public key and/or a client certificate for an existing account, in the registry
     * file itself (comments and layout kept; see {@link RegistryEdit}), then reloads. The edited file is
     * validated in full before it replaces the old one, so a key that is malformed, weak or already
     * registered to any account changes nothing.
     *
     * @param sshKeyLine     an OpenSSH public-key line, or null
     * @param certificatePem a PEM certificate, or null
     * @param note           a comment written above the new entries (who and when)
     * @return what changed
     * @throws ConfigException          naming what is wrong; the file and the running registry are unchanged
     * @throws IllegalArgumentException when the account is unknown or its entries cannot be edited safely
     * @throws java.io.IOException      when the file cannot be read or replaced
     */
    public synchronized RegistryChange registerKeys(String account, String sshKeyLine, String certificatePem, String note)
            throws ConfigException, java.io.IOException {
        if (sshKeyLine == null && certificatePem == null) {
            throw new IllegalArgumentException("give an SSH public key, a certificate, or both");
        }
        if (current().accounts().stream().noneMatch(a -> a.name().equals(account))) {
            throw new IllegalArgumentException("no account '" + account + "' in the registry");
        }
        if ((sshKeyLine != null && (sshKeyLine.contains("\n") || sshKeyLine.contains("\r"))) || note.contains("\n")) {
            throw new IllegalArgumentException("an SSH public key is one line");
        }
        String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        String edited = RegistryEdit.addKeys(text, account, sshKeyLine == null ? java.util.List.of() : java.util.List.of(sshKeyLine),
                certificatePem == null ? java.util.List.of() : java.util.List.of(certificatePem), note);
        java.nio.file.Path candidate = file.resolveSibling("." + file.getFileName() + ".candidate");
        try {
            java.nio.file.Files.writeString(candidate, edited, java.nio.charset.StandardCharsets.UTF_8);
            RegistryLoader.load(candidate, reportTypeIds, demoKeyDirectory); // all or nothing
            java.nio.file.Files.move(candidate, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (ConfigException e) {
            // the loader names the candidate file; the operator knows it as the registry file
            String prefix = e.file() + ": " + e.key() + ": ";
            String problem = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
            throw new ConfigException(file, e.key(), problem);
        } finally {
            java.nio.file.Files.deleteIfExists(candidate);
        }
        return reload();
    }
}
