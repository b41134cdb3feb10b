package org.treatyexchange.server.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ConfigNode;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.crypto.PasswordHash;
import org.treatyexchange.server.registry.Account.Role;
import org.treatyexchange.server.registry.StateEntry.Status;

/**
 * Loads and fully validates {@code config/registry.yaml}. Nothing in a registry that fails
 * validation is ever used: the error names the file, the key (e.g. {@code states[2].code},
 * {@code accounts[arcadia-officer].sshKeys[0]}) and the fix.
 */
public final class RegistryLoader {
    private static final Pattern STATE_CODE = Pattern.compile("[A-Z]{3}");
    // Account names become file names (demo keys) and SFTP user names: keep them boring.
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()./-]{2,39}");
    private static final int MIN_RSA_BITS = 2048;
    private static final String ED25519 = "ssh-ed25519";
    private static final String[] ACCOUNT_KEYS = {"name", "state", "role", "sshKeys", "certificates",
        "revokedCertificates", "demoKey", "disabled", "passwordHash", "demoPassword"};
    private static final Pattern FINGERPRINT = RegisteredCertificate.FINGERPRINT;
    /** Largest certificate file read; a PEM certificate is a few KiB. */
    private static final long MAX_CERTIFICATE_FILE = 64 * 1024;

    private RegistryLoader() {}

    /**
     * Loads a registry.
     *
     * @param file the registry file
     * @param reportTypeIds the configured report types; standing instructions must name one of them
     * @param demoKeyDirectory where the demo public keys ({@link #demoPublicKeyFile}) and demo API
     *     certificates ({@link #demoCertificateFile}) are; null when {@code demo.enabled} is false, in
     *     which case an account asking for a demo key is an error
     * @throws ConfigException naming the file, the key and the problem
     */
    public static Registry load(Path file, Set<String> reportTypeIds, Path demoKeyDirectory) throws ConfigException {
        return load(file, reportTypeIds, demoKeyDirectory, Clock.systemUTC());
    }

    /**
     * {@link #load(Path, Set, Path)} with the clock that decides whether a certificate has expired:
     * an unrevoked certificate past its notAfter is an error.
     */
    public static Registry load(Path file, Set<String> reportTypeIds, Path demoKeyDirectory, Clock clock)
            throws ConfigException {
        return build(ConfigNode.read(file), reportTypeIds, demoKeyDirectory, clock);
    }

    /** {@link #load(Path, Set, Path)} of a registry text, e.g. as published in the shared database; {@code name} labels errors. */
    public static Registry parse(String text, Path name, Set<String> reportTypeIds, Path demoKeyDirectory) throws ConfigException {
        return build(ConfigNode.parse(text, name), reportTypeIds, demoKeyDirectory, Clock.systemUTC());
    }

    private static Registry build(ConfigNode document, Set<String> reportTypeIds, Path demoKeyDirectory, Clock clock)
            throws ConfigException {
        ConfigNode root = document.requireKeys("states", "accounts");

        // First pass: codes and statuses, so that instructions may name States declared later.
        List<ConfigNode> stateNodes = root.get("states").elements();
        Map<String, Status> statuses = new LinkedHashMap<>();
        Map<String, String> codeKeys = new HashMap<>();
        List<ConfigNode> labelled = new ArrayList<>();
        for (ConfigNode n : stateNodes) {
            n.requireKeys("code", "name", "status", "instructions", "contacts", "entryIntoForce");
            ConfigNode codeNode = n.get("code");
            String code = codeNode.text();
            if (!STATE_CODE.matcher(code).matches()) {
                throw codeNode.error("'" + code + "' must be an ISO 3166-1 alpha-3 code: three upper-case letters, e.g. ARC");
            }
            String previous = codeKeys.putIfAbsent(code, codeNode.key());
            if (previous != null) {
                throw codeNode.error("'" + code + "' is already used by " + previous + "; State codes must be unique");
            }
            ConfigNode state = n.relabel("states[" + code + "]");
            statuses.put(code, status(state.get("status")));
            labelled.add(state);
        }

        List<StateEntry> states = new ArrayList<>();
        for (ConfigNode n : labelled) {
            String code = n.get("code").text();
            states.add(new StateEntry(code, n.get("name").text(), statuses.get(code),
                    instructions(n.get("instructions"), reportTypeIds, statuses), contacts(n.get("contacts")),
                    entryIntoForce(n.get("entryIntoForce"), statuses.get(code))));
        }

        List<Account> accounts = new ArrayList<>();
        Map<String, String> accountKeys = new HashMap<>();
        Map<String, String> keyOwners = new HashMap<>();
        Map<String, String> certificateOwners = new HashMap<>();
        Instant now = clock.instant();
        for (ConfigNode n : root.get("accounts").elements()) {
            ConfigNode account = accountNode(n, accountKeys);
            accounts.add(account(account, statuses, demoKeyDirectory, keyOwners, certificateOwners, now));
        }
        return new Registry(states, accounts);
    }

    /**
     * The names of the accounts marked {@code demoKey: true}, so that the server can generate
     * their keys before {@link #load}. Checks only what it reads: the account names (which
     * become file names) and the {@code demoKey} flags.
     */
    public static List<String> demoKeyAccounts(Path file) throws ConfigException {
        ConfigNode root = ConfigNode.read(file).requireKeys("states", "accounts");
        List<String> names = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (ConfigNode n : root.get("accounts").elements()) {
            ConfigNode account = accountNode(n, seen);
            if (account.get("demoKey").bool(false)) {
                names.add(account.get("name").text());
            }
        }
        return List.copyOf(names);
    }

    /**
     * The names of the accounts marked {@code demoPassword: true} (the demo's people, who log in to the
     * portal), so that the server can generate their passwords before {@link #load}.
     */
    public static List<String> demoPasswordAccounts(Path file) throws ConfigException {
        ConfigNode root = ConfigNode.read(file).requireKeys("states", "accounts");
        List<String> names = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (ConfigNode n : root.get("accounts").elements()) {
            ConfigNode account = accountNode(n, seen);
            if (account.get("demoPassword").bool(false)) {
                names.add(account.get("name").text());
            }
        }
        return List.copyOf(names);
    }

    /** The Argon2id hash of a demo person's generated password: {@code <demoKeyDirectory>/<account>.password-hash}. */
    public static Path demoPasswordHashFile(Path demoKeyDirectory, String account) {
        return demoKeyDirectory.resolve(account + ".password-hash");
    }

    /** The demo SSH public key of {@code account}: {@code <demoKeyDirectory>/<account>.pub}. */
    public static Path demoPublicKeyFile(Path demoKeyDirectory, String account) {
        return demoKeyDirectory.resolve(account + ".pub");
    }

    /**
     * The demo API certificate of {@code account}: {@code <demoKeyDirectory>/<account>-api.cert.pem}.
     * The server writes it before {@link #load}; unlike the SSH key, a missing file is not an error.
     */
    public static Path demoCertificateFile(Path demoKeyDirectory, String account) {
        return demoKeyDirectory.resolve(account + "-api.cert.pem");
    }

    /** Checks the keys and the name of an account entry and relabels it by name. */
    private static ConfigNode accountNode(ConfigNode n, Map<String, String> seen) throws ConfigException {
        n.requireKeys(ACCOUNT_KEYS);
        ConfigNode nameNode = n.get("name");
        String name = nameNode.text();
        if (!ACCOUNT_NAME.matcher(name).matches()) {
            throw nameNode.error("'" + name + "' must start with a lower-case letter followed by up to 31 lower-case "
                    + "letters, digits, '.', '_' or '-', e.g. arcadia-officer");
        }
        String previous = seen.putIfAbsent(name, nameNode.key());
        if (previous != null) {
            throw nameNode.error("'" + name + "' is already used by " + previous + "; account names must be unique");
        }
        return n.relabel("accounts[" + name + "]");
    }

    private static Status status(ConfigNode n) throws ConfigException {
        String text = n.text();
        return switch (text) {
            case "state-party" -> Status.STATE_PARTY;
            case "signatory" -> Status.SIGNATORY;
            default -> throw n.error("'" + text + "' must be state-party or signatory");
        };
    }

    private static Map<String, StandingInstruction> instructions(ConfigNode n, Set<String> reportTypeIds,
            Map<String, Status> statuses) throws ConfigException {
        Map<String, StandingInstruction> out = new LinkedHashMap<>();
        for (String reportType : n.keys()) {
            ConfigNode instruction = n.get(reportType).requireKeys("level", "namedStates");
            if (!reportTypeIds.contains(reportType)) {
                throw instruction.error("'" + reportType + "' is not a configured report type; configured: "
                        + String.join(", ", new TreeSet<>(reportTypeIds)) + " (reportTypes in server.yaml)");
            }
            ConfigNode levelNode = instruction.get("level");
            String levelText = levelNode.text();
            Optional<ConfidentialityLevel> level = ConfidentialityLevel.fromWireName(levelText);
            if (level.isEmpty()) {
                throw levelNode.error("'" + levelText + "' must be public, states-parties, secretariat or named");
            }
            ConfigNode namedNode = instruction.get("namedStates");
            List<String> named = namedNode.texts(List.of());
            if (level.get() != ConfidentialityLevel.NAMED && namedNode.isPresent()) {
                throw namedNode.error("is only allowed with level named; remove it or set level: named");
            }
            if (level.get() == ConfidentialityLevel.NAMED && named.isEmpty()) {
                throw namedNode.error("level named needs namedStates: the codes of the States Parties that may read it");
            }
            Set<String> seen = new HashSet<>();
            List<ConfigNode> namedElements = namedNode.elements();
            for (int i = 0; i < named.size(); i++) {
                String code = named.get(i);
                ConfigNode element = namedElements.get(i);
                Status status = statuses.get(code);
                if (status == null) {
                    throw element.error("'" + code + "' is not a State in this registry");
                }
                if (status != Status.STATE_PARTY) {
                    throw element.error("'" + code + "' is a signatory, not a State Party; only States Parties may "
                            + "be named to receive a report");
                }
                if (!seen.add(code)) {
                    throw element.error("'" + code + "' is listed twice");
                }
            }
            out.put(reportType, new StandingInstruction(reportType, level.get(), named));
        }
        return out;
    }

    /** The date the treaty entered into force for the State (YYYY-MM-DD): its initial report is due from it. */
    private static java.util.Optional<java.time.LocalDate> entryIntoForce(ConfigNode n, Status status) throws ConfigException {
        if (!n.isPresent()) {
            return java.util.Optional.empty();
        }
        if (status != Status.STATE_PARTY) {
            throw n.error("only a state-party has an entry into force; remove it or make the State a state-party");
        }
        String text = n.text();
        try {
            if (text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return java.util.Optional.of(java.time.LocalDate.parse(text));
            }
        } catch (java.time.DateTimeException e) {
            // the common message below
        }
        throw n.error("'" + text + "' must be a date written YYYY-MM-DD, e.g. 2014-12-24");
    }

    private static List<PointOfContact> contacts(ConfigNode n) throws ConfigException {
        List<PointOfContact> out = new ArrayList<>();
        for (ConfigNode c : n.elements()) {
            c.requireKeys("name", "title", "ministry", "email", "phone", "address");
            ConfigNode emailNode = c.get("email");
            String email = emailNode.text();
            if (!EMAIL.matcher(email).matches()) {
                throw emailNode.error("'" + email + "' is not an e-mail address like name@ministry.example");
            }
            ConfigNode phoneNode = c.get("phone");
            String phone = phoneNode.text("");
            if (phoneNode.isPresent() && !PHONE.matcher(phone).matches()) {
                throw phoneNode.error("'" + phone + "' is not a phone number like \"+999 20 555 0100\"");
            }
            out.add(new PointOfContact(c.get("name").text(), c.get("title").text(""), c.get("ministry").text(""),
                    email, phone, c.get("address").text("")));
        }
        return out;
    }

    private static Account account(ConfigNode n, Map<String, Status> statuses, Path demoKeyDirectory,
            Map<String, String> keyOwners, Map<String, String> certificateOwners, Instant now) throws ConfigException {
        String name = n.get("name").text();
        ConfigNode roleNode = n.get("role");
        String roleText = roleNode.text();
        Role role = switch (roleText) {
            case "state-officer" -> Role.STATE_OFFICER;
            case "state-system" -> Role.STATE_SYSTEM;
            case "state-admin" -> Role.STATE_ADMIN;
            case "secretariat" -> Role.SECRETARIAT;
            case "secretariat-admin" -> Role.SECRETARIAT_ADMIN;
            default -> throw roleNode.error("'" + roleText + "' must be state-officer, state-system, state-admin, secretariat or secretariat-admin");
        };
        ConfigNode stateNode = n.get("state");
        String stateCode = null;
        if (role.isSecretariat()) {
            if (stateNode.isPresent()) {
                throw roleNode.error("an account of a State cannot have role " + roleText + "; remove 'state' for a "
                        + "secretariat account, or use state-officer or state-system");
            }
        } else {
            stateCode = stateNode.text();
            if (!statuses.containsKey(stateCode)) {
                throw stateNode.error("'" + stateCode + "' is not a State in this registry; add it under states");
            }
        }

        List<AuthorizedKey> keys = new ArrayList<>();
        for (ConfigNode keyNode : n.get("sshKeys").elements()) {
            keys.add(registerKey(keyNode, parseKey(keyNode, keyNode.text()), name, keyOwners));
        }
        ConfigNode demoNode = n.get("demoKey");
        boolean demoKey = demoNode.bool(false);
        if (demoKey) {
            if (demoKeyDirectory == null) {
                throw demoNode.error("account '" + name + "' asks for a demo key but demo.enabled is false; "
                        + "list its keys under sshKeys instead");
            }
            keys.add(registerKey(demoNode, demoKey(demoNode, demoPublicKeyFile(demoKeyDirectory, name)), name, keyOwners));
        }
        List<RegisteredCertificate> certificates = certificates(n, name, demoKey ? demoKeyDirectory : null,
                certificateOwners, now);
        boolean disabled = n.get("disabled").bool(false);
        PasswordHash password = password(n, name, demoKeyDirectory);
        // a person may have only a password (and a second factor): they log in to the portal only
        if (keys.isEmpty() && certificates.stream().allMatch(RegisteredCertificate::revoked) && password == null && !disabled) {
            throw n.get("sshKeys").error("account '" + name + "' is enabled but has no key or certificate; list an "
                    + "OpenSSH public key under sshKeys or a certificate under certificates, or set disabled: true");
        }
        return new Account(name, stateCode, role, keys, certificates, demoKey, disabled, password);
    }

    /** The registered hash, or with {@code demoPassword: true} the demo's generated one; never both. */
    private static PasswordHash password(ConfigNode n, String name, Path demoKeyDirectory) throws ConfigException {
        ConfigNode demo = n.get("demoPassword");
        if (!demo.bool(false)) {
            return passwordHash(n.get("passwordHash"));
        }
        if (demoKeyDirectory == null) {
            throw demo.error("account '" + name + "' asks for a demo password but demo.enabled is false; "
                    + "register its passwordHash instead (scripts/admin hash-password)");
        }
        if (n.get("passwordHash").isPresent()) {
            throw demo.error("account '" + name + "' has both passwordHash and demoPassword; keep one");
        }
        Path file = demoPasswordHashFile(demoKeyDirectory, name);
        try {
            return PasswordHash.parse(Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw demo.error("demo password file " + file + " cannot be read; it is generated at start-up when demo.enabled is true");
        } catch (IllegalArgumentException e) {
            throw demo.error("demo password file " + file + " " + e.getMessage() + "; delete it so that the server generates another");
        }
    }

    /** The account's password hash, or null; a plaintext or weak value is an error that does not repeat it. */
    private static PasswordHash passwordHash(ConfigNode n) throws ConfigException {
        if (!n.isPresent()) {
            return null;
        }
        String text;
        try {
            text = n.text();
        } catch (ConfigException e) {
            text = null; // its message would quote the value
        }
        try {
            return PasswordHash.parse(text);
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
    }

    private static List<RegisteredCertificate> certificates(ConfigNode n, String account, Path demoKeyDirectory,
            Map<String, String> owners, Instant now) throws ConfigException {
        Map<String, ConfigNode> revokedList = new LinkedHashMap<>();
        for (ConfigNode element : n.get("revokedCertificates").elements()) {
            String fingerprint = element.text().strip();
            if (!FINGERPRINT.matcher(fingerprint).matches()) {
                throw element.error("'" + fingerprint + "' must be a certificate fingerprint: 64 lower-case hex digits, "
                        + "the SHA-256 of the DER certificate (openssl x509 -noout -fingerprint -sha256, without the "
                        + "colons, in lower case)");
            }
            if (revokedList.putIfAbsent(fingerprint, element) != null) {
                throw element.error("'" + fingerprint + "' is listed twice");
            }
        }
        Path base = n.file().toAbsolutePath().getParent();
        List<RegisteredCertificate> out = new ArrayList<>();
        for (ConfigNode entry : n.get("certificates").elements()) {
            entry.requireKeys("pem", "file", "revoked");
            ConfigNode pemNode = entry.get("pem");
            ConfigNode fileNode = entry.get("file");
            if (pemNode.isPresent() == fileNode.isPresent()) {
                throw entry.error("give exactly one of pem (the certificate text) or file (a PEM file relative to "
                        + base.getFileName() + "/)");
            }
            ConfigNode source = pemNode.isPresent() ? pemNode : fileNode;
            String text = pemNode.isPresent() ? pemNode.text() : readCertificateFile(fileNode, base.resolve(fileNode.path(null)));
            X509Certificate certificate = parseCertificate(source, text);
            boolean revoked = entry.get("revoked").bool(false);
            out.add(register(source, certificate, revoked, revokedList, account, owners, now, ""));
        }
        if (demoKeyDirectory != null) {
            Path demo = demoCertificateFile(demoKeyDirectory, account);
            if (Files.exists(demo)) {
                ConfigNode demoNode = n.get("demoKey");
                X509Certificate certificate = parseCertificate(demoNode, readCertificateFile(demoNode, demo));
                out.add(register(demoNode, certificate, false, revokedList, account, owners, now,
                        "; delete " + demo + " so that the server issues a new one"));
            }
        }
        for (Map.Entry<String, ConfigNode> revoked : revokedList.entrySet()) {
            if (out.stream().noneMatch(c -> c.fingerprint().equals(revoked.getKey()))) {
                // A typo here would leave the certificate that was meant to be revoked in force.
                throw revoked.getValue().error("'" + revoked.getKey() + "' is not the fingerprint of any certificate "
                        + "of account '" + account + "'; a revocation must name one of its certificates");
            }
        }
        return out;
    }

    private static RegisteredCertificate register(ConfigNode n, X509Certificate certificate, boolean revokedInline,
            Map<String, ConfigNode> revokedList, String account, Map<String, String> owners, Instant now,
            String expiredFix) throws ConfigException {
        String fingerprint = LocalCertificateAuthority.fingerprint(certificate);
        String owner = owners.putIfAbsent(fingerprint, account);
        if (owner != null) {
            // One certificate, one account: otherwise a signed message does not say who sent it.
            throw n.error("certificate " + fingerprint + " is already registered to account '" + owner
                    + "'; each certificate belongs to exactly one account");
        }
        boolean revoked = revokedInline || revokedList.containsKey(fingerprint);
        if (!revoked && certificate.getNotAfter().toInstant().isBefore(now)) {
            throw n.error("certificate " + fingerprint + " of account '" + account + "' expired on "
                    + certificate.getNotAfter().toInstant() + "; remove it, or mark it revoked: true to keep it on "
                    + "record" + expiredFix);
        }
        return new RegisteredCertificate(certificate, fingerprint, revoked);
    }

    private static String readCertificateFile(ConfigNode n, Path file) throws ConfigException {
        try {
            if (Files.size(file) > MAX_CERTIFICATE_FILE) {
                throw n.error("certificate file " + file + " is larger than " + MAX_CERTIFICATE_FILE / 1024
                        + "KiB; it should hold one PEM certificate");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw n.error("certificate file " + file + " does not exist; paths are relative to the registry file's "
                    + "directory");
        } catch (IOException e) {
            throw n.error("certificate file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** One strong end-entity certificate, in PEM, optionally followed by its CA chain. */
    private static X509Certificate parseCertificate(ConfigNode n, String pem) throws ConfigException {
        List<X509Certificate> certificates;
        try {
            certificates = LocalCertificateAuthority.readPemCertificates(pem);
        } catch (CertificateException e) {
            throw n.error("is not a PEM certificate: " + e.getMessage()
                    + "; paste one -----BEGIN CERTIFICATE----- block");
        }
        // The first certificate is the one registered; what follows may only be its chain, as
        // IssuedCredential.writePem and most tools write it, and is not registered.
        for (int i = 1; i < certificates.size(); i++) {
            if (certificates.get(i).getBasicConstraints() < 0) {
                throw n.error("holds " + certificates.size() + " end-entity certificates; register exactly one (the "
                        + "State system's own certificate, optionally followed by its CA chain)");
            }
        }
        X509Certificate certificate = certificates.get(0);
        if (certificate.getBasicConstraints() >= 0) {
            throw n.error("is a CA certificate; register the end-entity certificate the State's system signs with");
        }
        if (certificate.getPublicKey() instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw n.error("has an RSA key of " + rsa.getModulus().bitLength() + " bits; at least " + MIN_RSA_BITS
                        + " are required");
            }
        } else if (!(certificate.getPublicKey() instanceof ECPublicKey)) {
            throw n.error("has a " + certificate.getPublicKey().getAlgorithm() + " key; use ECDSA or RSA of at least "
                    + MIN_RSA_BITS + " bits");
        }
        return certificate;
    }

    private static AuthorizedKey registerKey(ConfigNode n, AuthorizedKey key, String account,
            Map<String, String> keyOwners) throws ConfigException {
        String owner = keyOwners.putIfAbsent(key.fingerprint(), account);
        if (owner != null) {
            // One key, one account: otherwise a login does not say who acted.
            throw n.error("key " + key.fingerprint() + " is already registered to account '" + owner
                    + "'; each key belongs to exactly one account");
        }
        return key;
    }

    private static AuthorizedKey demoKey(ConfigNode n, Path pub) throws ConfigException {
        String text;
        try {
            text = Files.readString(pub);
        } catch (NoSuchFileException e) {
            throw n.error("demo key file " + pub + " does not exist; it is generated at start-up when demo.enabled "
                    + "is true");
        } catch (IOException e) {
            throw n.error("demo key file " + pub + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String line = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .findFirst().orElse("");
        return parseKey(n, line);
    }

    /** Parses one OpenSSH public key line ({@code type base64 [comment]}) and checks it is strong enough. */
    static AuthorizedKey parseKey(ConfigNode n, String line) throws ConfigException {
        String expected = "must be an OpenSSH public key line such as 'ssh-ed25519 AAAAC3Nz… officer@arcadia'";
        AuthorizedKeyEntry entry;
        try {
            entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line.strip());
        } catch (IllegalArgumentException e) {
            throw n.error(expected);
        }
        if (entry == null) {
            throw n.error(expected);
        }
        if (!entry.getLoginOptions().isEmpty()) {
            // Silently ignoring from="…" or command="…" would give a false sense of restriction.
            throw n.error("login options (" + String.join(", ", entry.getLoginOptions().keySet())
                    + ") are not supported; give only the key type, the key and a comment");
        }
        PublicKey key;
        try {
            key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw n.error("cannot be decoded as a '" + entry.getKeyType() + "' key (" + e.getClass().getSimpleName()
                    + "); copy the whole line from the .pub file");
        }
        if (key == null) {
            throw n.error(expected);
        }
        String type = KeyUtils.getKeyType(key);
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw n.error("RSA key of " + bits + " bits is too weak; use ssh-ed25519 or RSA of at least "
                        + MIN_RSA_BITS + " bits (3072 recommended)");
            }
        } else if (!ED25519.equals(type)) {
            throw n.error("'" + type + "' keys are not accepted by this server; use ssh-ed25519 (preferred) or RSA "
                    + "of at least " + MIN_RSA_BITS + " bits");
        }
        String comment = entry.getComment() == null ? "" : entry.getComment().strip();
        return new AuthorizedKey(key, KeyUtils.getFingerPrint(key), comment);
    }
}
