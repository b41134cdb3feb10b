package org.treatyexchange.server.registry;

import java.io.IOException;
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
 * <p>Alone, a node's registry is its {@code config/registry.yaml}. In a cluster ({@link SharedRegistry}),
 * the registry is the newest text published in the shared database: a reload publishes the node's file
 * to every node, the first node to start on an empty database imports its file, and {@link #fresh()}
 * compares generations so that a change published through one node holds on every node from the next
 * authentication on. A node that cannot read or load the newest generation refuses to authenticate
 * anyone (fail closed) rather than go on with an older registry. A change made here (registerKeys, revokeCertificate,
 * setDisabled, …) goes through {@link #edit}: it is applied to the newest published generation, not to the node's file,
 * so a node whose file is behind never undoes another node's change.
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
    private final SharedRegistry shared;
    /** The generation of {@link #current} in {@link #shared}; 0 when alone. */
    private volatile long generation;
    /** How many times a change is applied again to a generation another node published first before it is refused. */
    static final int EDIT_ATTEMPTS = 5;
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Loads the registry; see {@link RegistryLoader#load(Path, Set, Path)} for the parameters.
     *
     * @throws ConfigException if the file is missing or invalid
     */
    public RegistryService(Path file, Set<String> reportTypeIds, Path demoKeyDirectory) throws ConfigException {
        this.file = Objects.requireNonNull(file, "file");
        this.reportTypeIds = Set.copyOf(reportTypeIds);
        this.demoKeyDirectory = demoKeyDirectory;
        this.shared = null;
        this.current = new AtomicReference<>(RegistryLoader.load(file, this.reportTypeIds, demoKeyDirectory));
    }

    /**
     * A node of a cluster: the registry is the newest published in {@code shared}; when there is none yet,
     * this node's file (valid) is published as the first. A file that differs from the published registry
     * is only warned about: {@code reload-registry} publishes it.
     *
     * @throws ConfigException if the file, or the published registry, does not load here
     * @throws IOException if the shared database cannot be read
     */
    public RegistryService(Path file, Set<String> reportTypeIds, Path demoKeyDirectory, SharedRegistry shared)
            throws ConfigException, IOException {
        this.file = Objects.requireNonNull(file, "file");
        this.reportTypeIds = Set.copyOf(reportTypeIds);
        this.demoKeyDirectory = demoKeyDirectory;
        this.shared = Objects.requireNonNull(shared, "shared");
        String fileText = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        Registry fromFile = RegistryLoader.load(file, this.reportTypeIds, demoKeyDirectory);
        this.current = new AtomicReference<>(fromFile);
        if (shared.newest().isEmpty() && shared.publish(0, fileText, "import of " + file.getFileName() + " at first start")) {
            generation = 1;
            LOG.info("registry: imported {} into the shared database as generation 1", file.getFileName());
            return;
        }
        SharedRegistry.Publication newest = shared.newest().orElseThrow();
        adopt(newest);
        if (!newest.text().equals(fileText)) {
            LOG.warn("registry: {} differs from the registry published in the shared database (generation {}), which is used; "
                    + "scripts/admin reload-registry publishes this node's file to every node", file, newest.generation());
        }
    }

    /**
     * The current snapshot, first brought up to the newest published generation when in a cluster. Call
     * it where a caller is authenticated (never on an event loop: it may read the database).
     *
     * @throws IllegalStateException when the shared registry cannot be read or does not load here: the
     *     caller is then refused, never let in on an older registry
     */
    public Registry fresh() {
        if (shared == null) {
            return current();
        }
        try {
            if (shared.newestGeneration() != generation) {
                synchronized (this) {
                    SharedRegistry.Publication newest = shared.newest().orElseThrow();
                    if (newest.generation() != generation) {
                        adopt(newest);
                    }
                }
            }
            return current();
        } catch (IOException | ConfigException | java.util.NoSuchElementException e) {
            LOG.error("registry: the shared registry cannot be used, so nobody is authenticated on this node: {}", e.getMessage());
            throw new IllegalStateException("the shared registry cannot be read", e);
        }
    }

    private void adopt(SharedRegistry.Publication p) throws ConfigException {
        Registry next = RegistryLoader.parse(p.text(), file.resolveSibling(file.getFileName() + " (published generation " + p.generation()
                + ")"), reportTypeIds, demoKeyDirectory);
        current.set(next);
        generation = p.generation();
        changed();
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
        if (shared != null) {
            publish(next);
        }
        Registry previous = current.getAndSet(next);
        changed();
        RegistryChange change = RegistryChange.between(previous, next);
        LOG.info("registry reloaded: {} added, {} removed, {} changed", change.added().size(), change.removed().size(),
                change.changed().size());
        return change;
    }

    /** Publishes the node's (validated) file as the newest generation; retried once if another node was first. */
    private void publish(Registry next) throws ConfigException {
        try {
            String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            for (int attempt = 0; attempt < 2; attempt++) {
                long after = shared.newestGeneration();
                if (shared.publish(after, text, "reload-registry")) {
                    generation = after + 1;
                    LOG.info("registry: published {} as generation {} for every node", file.getFileName(), generation);
                    return;
                }
            }
            throw new ConfigException(file, "(file)", "another node published the registry at the same moment; run reload-registry again");
        } catch (IOException e) {
            throw new ConfigException(file, "(file)", "cannot be published to the shared database (" + e.getMessage() + ")");
        }
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
        return registerKeys(account, sshKeyLine, certificatePem, note, false);
    }

    /**
     * As {@link #registerKeys(String, String, String, String)}; with {@code enable}, the account's {@code disabled} flag is
     * cleared in the same edit (a new system account that receives its first key or certificate): one validated change.
     */
    public synchronized RegistryChange registerKeys(String account, String sshKeyLine, String certificatePem, String note, boolean enable)
            throws ConfigException, java.io.IOException {
        if (sshKeyLine == null && certificatePem == null) {
            throw new IllegalArgumentException("give an SSH public key, a certificate, or both");
        }
        if ((sshKeyLine != null && (sshKeyLine.contains("\n") || sshKeyLine.contains("\r"))) || note.contains("\n")) {
            throw new IllegalArgumentException("an SSH public key is one line");
        }
        return edit(text -> {
            existing(account);
            String edited = RegistryEdit.addKeys(text, account, sshKeyLine == null ? java.util.List.of() : java.util.List.of(sshKeyLine),
                    certificatePem == null ? java.util.List.of() : java.util.List.of(certificatePem), note);
            return enable ? RegistryEdit.setProperty(edited, account, "disabled", "false") : edited;
        });
    }

    /**
     * Revokes a certificate of an account in the registry file ({@code revokedCertificates}), then reloads
     * (and publishes, in a cluster): it no longer authenticates from the next request on. Validated in full
     * first, as {@link #registerKeys}.
     *
     * @throws IllegalArgumentException when the account is unknown, the certificate is not one of its own, or already revoked
     */
    public synchronized RegistryChange revokeCertificate(String account, String fingerprint, String note)
            throws ConfigException, java.io.IOException {
        if (note.contains("\n")) {
            throw new IllegalArgumentException("a note is one line");
        }
        return edit(text -> {
            Account a = current().account(account).orElseThrow(() -> new IllegalArgumentException("no account '" + account
                    + "' in the registry"));
            RegisteredCertificate c = a.certificates().stream().filter(x -> x.fingerprint().equals(fingerprint)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("account '" + account + "' has no certificate " + fingerprint));
            if (c.revoked()) {
                throw new IllegalArgumentException("certificate " + fingerprint + " is already revoked");
            }
            return RegistryEdit.revokeCertificate(text, account, fingerprint, note);
        });
    }

    /**
     * Removes an SSH key of an account from the registry file, then reloads (and publishes): the key no
     * longer logs in. The demo key cannot be removed this way (it is not in the file's list).
     *
     * @throws IllegalArgumentException when the account is unknown or the key is not in its list in the file
     */
    public synchronized RegistryChange removeSshKey(String account, String fingerprint) throws ConfigException, java.io.IOException {
        return edit(text -> {
            Account a = current().account(account).orElseThrow(() -> new IllegalArgumentException("no account '" + account
                    + "' in the registry"));
            if (a.sshKeys().stream().noneMatch(k -> k.fingerprint().equals(fingerprint))) {
                throw new IllegalArgumentException("account '" + account + "' has no SSH key " + fingerprint);
            }
            return RegistryEdit.removeSshKey(text, account, line -> {
                try {
                    return org.treatyexchange.server.crypto.SshKeyFiles.fingerprint(
                            org.treatyexchange.server.crypto.SshKeyFiles.parseAuthorizedKey(line)).equals(fingerprint);
                } catch (java.security.GeneralSecurityException | RuntimeException e) {
                    return false;
                }
            });
        });
    }

    /**
     * Adds an account of a State, disabled until its person enrols ({@link #enrol}), to the registry file; validated in full
     * and reloaded as {@link #registerKeys}.
     *
     * @param role {@code state-officer}, {@code state-system} or {@code state-admin}
     * @throws IllegalArgumentException when the name is taken or the role is not a State's
     */
    public synchronized RegistryChange addStateAccount(String account, String stateCode, String role, String note)
            throws ConfigException, java.io.IOException {
        if (!java.util.Set.of("state-officer", "state-system", "state-admin").contains(role)) {
            throw new IllegalArgumentException("a State's account is a state-officer, state-system or state-admin");
        }
        oneLine(note);
        return edit(text -> {
            if (current().account(account).isPresent()) {
                throw new IllegalArgumentException("the account name '" + account + "' is taken");
            }
            return RegistryEdit.addAccount(text, account, stateCode, role, java.util.List.<String[]>of(new String[] {"disabled", "true"}),
                    note);
        });
    }

    /** Sets an account's {@code disabled} flag in the registry file: a disabled account logs in nowhere from the next request on. */
    public synchronized RegistryChange setDisabled(String account, boolean disabled) throws ConfigException, java.io.IOException {
        return edit(text -> {
            existing(account);
            return RegistryEdit.setProperty(text, account, "disabled", Boolean.toString(disabled));
        });
    }

    /** Registers the person's password hash and enables the account (the end of an enrolment). */
    public synchronized RegistryChange enrol(String account, org.treatyexchange.server.crypto.PasswordHash hash)
            throws ConfigException, java.io.IOException {
        return edit(text -> {
            existing(account);
            String edited = RegistryEdit.setProperty(text, account, "passwordHash", RegistryEdit.yamlString(hash.encoded()));
            return RegistryEdit.setProperty(edited, account, "disabled", "false");
        });
    }

    /** Sets an account's role ({@code state-officer}, {@code state-admin}, …) in the registry file. */
    public synchronized RegistryChange setRole(String account, String role) throws ConfigException, java.io.IOException {
        return edit(text -> {
            existing(account);
            return RegistryEdit.setProperty(text, account, "role", role);
        });
    }

    /** The account's block as written in the registry (the newest published, in a cluster), to restore it later ({@link #restoreAccount}). */
    public synchronized String accountBlock(String account) throws java.io.IOException {
        String text = newest().text();
        existing(account);
        return RegistryEdit.accountBlock(text, account);
    }

    /** Removes the account's block from the registry file: it logs in nowhere from the next request on. */
    public synchronized RegistryChange removeAccount(String account) throws ConfigException, java.io.IOException {
        return edit(text -> {
            existing(account);
            return RegistryEdit.removeAccount(text, account);
        });
    }

    /** Puts back a block written by {@link #accountBlock} (an undone removal); validated in full. */
    public synchronized RegistryChange restoreAccount(String block, String note) throws ConfigException, java.io.IOException {
        oneLine(note);
        return edit(text -> RegistryEdit.restoreAccount(text, block, note));
    }

    /** Takes back a revocation written by {@link #revokeCertificate} (an undone revocation); validated in full. */
    public synchronized RegistryChange unrevokeCertificate(String account, String fingerprint) throws ConfigException, java.io.IOException {
        return edit(text -> {
            existing(account);
            return RegistryEdit.unrevokeCertificate(text, account, fingerprint);
        });
    }

    /**
     * Runs {@code listener} after every change of the registry this node makes or adopts (on the thread that made it; keep
     * it short, hand work to an executor): the SFTP server closes sessions the new registry no longer admits.
     */
    public void onChange(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void changed() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("registry: a change listener failed: {}", e.toString());
            }
        }
    }

    private void existing(String account) {
        if (current().account(account).isEmpty()) {
            throw new IllegalArgumentException("no account '" + account + "' in the registry");
        }
    }

    private static void oneLine(String note) {
        if (note.contains("\n") || note.contains("\r")) {
            throw new IllegalArgumentException("a note is one line");
        }
    }

    private String read() throws java.io.IOException {
        return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Checks, without changing anything, that registering these keys for {@code account} would be accepted now (the
     * whole registry validated as {@link #registerKeys} does): for a change that waits for the secretariat's approval.
     */
    public synchronized void checkRegisterKeys(String account, String sshKeyLine, String certificatePem) throws ConfigException,
            java.io.IOException {
        String text = newest().text();
        existing(account);
        String edited = RegistryEdit.addKeys(text, account, sshKeyLine == null ? java.util.List.of() : java.util.List.of(sshKeyLine),
                certificatePem == null ? java.util.List.of() : java.util.List.of(certificatePem), "check");
        writeCandidate(edited, false);
    }

    /** Checks, without changing anything, that {@link #addStateAccount} would be accepted now. */
    public synchronized void checkAddStateAccount(String account, String stateCode, String role) throws ConfigException,
            java.io.IOException {
        String text = newest().text();
        if (current().account(account).isPresent()) {
            throw new IllegalArgumentException("the account name '" + account + "' is taken");
        }
        writeCandidate(RegistryEdit.addAccount(text, account, stateCode, role, java.util.List.<String[]>of(new String[] {"disabled",
            "true"}), "check"), false);
    }

    /** A change of the registry's text; it may check the account against {@link #current()}, which is then the text's registry. */
    @FunctionalInterface
    private interface TextEdit {
        String apply(String text) throws ConfigException, java.io.IOException;
    }

    /**
     * The one place every registry change goes through. Alone: the edit is applied to the file, validated in full and
     * reloaded. In a cluster: the edit is applied to the newest published generation N (never to this node's file, which may
     * be behind), validated, and published as N + 1 only if N is still the newest (the generation is the primary key: a
     * conflict means another node published first, and the edit is applied again to that newer text, at most
     * {@link #EDIT_ATTEMPTS} times); then this node's file and running registry become what was published. So a change made
     * through one node never undoes one made through another.
     */
    private RegistryChange edit(TextEdit edit) throws ConfigException, java.io.IOException {
        if (shared == null) {
            writeCandidate(edit.apply(read()), true);
            return reload();
        }
        for (int attempt = 1; attempt <= EDIT_ATTEMPTS; attempt++) {
            SharedRegistry.Publication base = newest();
            Registry before = current();
            String edited = edit.apply(base.text());
            Registry next = writeCandidate(edited, false);
            if (shared.publish(base.generation(), edited, "registry change")) {
                current.set(next);
                generation = base.generation() + 1;
                changed();
                keepFile(base.text(), edited);
                RegistryChange change = RegistryChange.between(before, next);
                LOG.info("registry: change published as generation {} for every node: {} added, {} removed, {} changed", generation,
                        change.added().size(), change.removed().size(), change.changed().size());
                return change;
            }
            LOG.info("registry: another node published generation {} first; applying the change to it (attempt {} of {})",
                    base.generation() + 1, attempt, EDIT_ATTEMPTS);
        }
        throw new ConfigException(file, "(registry)", "other nodes changed the registry at the same moment " + EDIT_ATTEMPTS
                + " times; nothing was changed, try again");
    }

    /**
     * The newest published registry, made this node's running registry if it was not yet; alone, the file (generation 0).
     * Call it synchronized on this service.
     */
    private SharedRegistry.Publication newest() throws java.io.IOException {
        if (shared == null) {
            return new SharedRegistry.Publication(0, read());
        }
        SharedRegistry.Publication newest = shared.newest().orElse(null);
        if (newest == null) {
            return new SharedRegistry.Publication(0, read());
        }
        if (newest.generation() != generation) {
            try {
                adopt(newest);
            } catch (ConfigException e) {
                throw new java.io.IOException("the published registry (generation " + newest.generation() + ") does not load here: "
                        + e.getMessage(), e);
            }
        }
        return newest;
    }

    /**
     * Makes this node's file the text just published. It has been published (every node uses it): a file that cannot be
     * written is logged, not reported as a failed change.
     */
    private void keepFile(String base, String published) {
        java.nio.file.Path candidate = file.resolveSibling("." + file.getFileName() + ".published");
        try {
            if (!read().equals(base)) {
                // behind, or edited by hand and not published: keep what it held, an operator's edit is not lost silently
                java.nio.file.Path kept = file.resolveSibling(file.getFileName() + ".before-generation-" + generation);
                java.nio.file.Files.copy(file, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("registry: {} differed from the published registry it was changed from; its former text is kept in {}",
                        file.getFileName(), kept.getFileName());
            }
            java.nio.file.Files.writeString(candidate, published, java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Files.move(candidate, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            LOG.error("registry: generation {} is published and in force, but {} could not be updated to it: {}", generation,
                    file.getFileName(), e.toString());
        }
    }

    /** Validates {@code edited} in full as a registry in a candidate file, which replaces the file when {@code replace}. */
    private Registry writeCandidate(String edited, boolean replace) throws ConfigException, java.io.IOException {
        java.nio.file.Path candidate = file.resolveSibling("." + file.getFileName() + ".candidate");
        try {
            java.nio.file.Files.writeString(candidate, edited, java.nio.charset.StandardCharsets.UTF_8);
            Registry loaded = RegistryLoader.load(candidate, reportTypeIds, demoKeyDirectory); // all or nothing
            if (replace) {
                java.nio.file.Files.move(candidate, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return loaded;
        } catch (ConfigException e) {
            // the loader names the candidate file; the operator knows it as the registry file
            String prefix = e.file() + ": " + e.key() + ": ";
            String problem = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
            throw new ConfigException(file, e.key(), problem);
        } finally {
            java.nio.file.Files.deleteIfExists(candidate);
        }
    }
}
