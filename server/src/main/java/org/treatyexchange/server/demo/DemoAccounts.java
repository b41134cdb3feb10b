package org.treatyexchange.server.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.crypto.IssuedCredential;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.crypto.PasswordHash;
import org.treatyexchange.server.crypto.Totp;
import org.treatyexchange.server.crypto.SshKeyFiles;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryLoader;

/**
 * The demo's client material: an SSH key pair for every registry account marked {@code demoKey}, and
 * {@code accounts.json}, which tells a person or a script how to log in as each demo account.
 * Only used when {@code demo.enabled} is true.
 */
public final class DemoAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(DemoAccounts.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoAccounts() {
    }

    /** Creates the key pairs that do not exist yet ({@code <dir>/<account>} and {@code .pub}). */
    public static void ensureKeys(Path demoDir, List<String> accounts) throws IOException, GeneralSecurityException {
        for (String account : accounts) {
            Path key = demoDir.resolve(account);
            if (!Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
                SshKeyFiles.generateEd25519(key, account + "@treaty-exchange-demo");
                LOG.info("demo: generated SSH key for account {}", account);
            }
        }
    }

    /**
     * Creates, for every demo person ({@code demoPassword: true}) that has none yet, a random password
     * ({@code <account>.password}), its Argon2id hash (which the registry reads) and a TOTP secret
     * ({@code <account>.totp}, base32), all readable by the server's account only.
     */
    public static void ensurePasswords(Path demoDir, List<String> accounts) throws IOException {
        for (String account : accounts) {
            Path password = demoDir.resolve(account + ".password");
            Path hash = RegistryLoader.demoPasswordHashFile(demoDir, account);
            if (!Files.exists(password, LinkOption.NOFOLLOW_LINKS) || !Files.exists(hash, LinkOption.NOFOLLOW_LINKS)) {
                String p = newPassword();
                writeOwnerOnly(password, p);
                writeOwnerOnly(hash, PasswordHash.createForRandomSecret(p.toCharArray()).encoded()); // 100 random bits
                LOG.info("demo: generated portal password for account {}", account);
            }
            Path totp = totpFile(demoDir, account);
            if (!Files.exists(totp, LinkOption.NOFOLLOW_LINKS)) {
                writeOwnerOnly(totp, Totp.base32(Totp.newSecret()));
            }
        }
    }

    /** The demo person's TOTP secret (base32), enrolled at start-up unless the person enrolled another. */
    public static Path totpFile(Path demoDir, String account) {
        return demoDir.resolve(account + ".totp");
    }

    /** Four groups of five letters and digits, e.g. {@code k7m2q-x9fh3-...}: 100 bits, easy to type. */
    static String newPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                b.append('-');
            }
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The PKCS#12 password of the demo's API client credentials (demo only; written in accounts.json). */
    public static final String DEMO_PKCS12_PASSWORD = "demo";

    /**
     * Creates, for every demo account that has none yet, an API client certificate issued by the
     * server's local CA: {@code <account>-api.key.pem}, {@code <account>-api.cert.pem} (the registry
     * picks this one up) and {@code <account>-api.p12}. Returns how many were issued.
     */
    public static int ensureApiCredentials(Path demoDir, Registry registry, LocalCertificateAuthority ca)
            throws IOException, GeneralSecurityException {
        int issued = 0;
        for (Account a : registry.accounts()) {
            String account = a.name();
            Path cert = RegistryLoader.demoCertificateFile(demoDir, account);
            if (!a.demoKey() || Files.exists(cert, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String organisation = a.isSecretariat() ? "Treaty secretariat" : a.stateCode();
            IssuedCredential credential =
                    ca.issueClientCertificate(account, organisation, java.time.Duration.ofDays(825));
            credential.writePkcs12(demoDir.resolve(account + "-api.p12"), DEMO_PKCS12_PASSWORD.toCharArray());
            credential.writePem(demoDir.resolve(account + "-api.key.pem"), cert);
            LOG.info("demo: issued API client certificate for account {}", account);
            issued++;
        }
        return issued;
    }

    /**
     * Writes {@code accounts.json}: each demo account's name, State (or {@code secretariat}), role and
     * private-key path, the SFTP address, and the receipt-signing certificate's path.
     */
    public static Path writeAccountsFile(Path demoDir, Registry registry, String sftpHost, int sftpPort, Path receiptCertificate,
            String apiHost, int apiPort, Path caCertificate) throws IOException {
        return writeAccountsFile(demoDir, registry, sftpHost, sftpPort, receiptCertificate, apiHost, apiPort, caCertificate, null, 0, Map.of());
    }

    /**
     * As above, plus the portal's URL and, for each demo person, the portal password and the TOTP secret in
     * force ({@code totpSecrets}, base32, by account).
     */
    public static Path writeAccountsFile(Path demoDir, Registry registry, String sftpHost, int sftpPort, Path receiptCertificate,
            String apiHost, int apiPort, Path caCertificate, String portalHost, int portalPort, Map<String, String> totpSecrets)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode sftp = root.putObject("sftp");
        sftp.put("host", sftpHost);
        sftp.put("port", sftpPort);
        if (apiPort > 0) {
            ObjectNode api = root.putObject("api");
            api.put("url", "https://" + apiHost + ":" + apiPort + "/api/v1/");
            api.put("host", apiHost);
            api.put("port", apiPort);
        }
        if (portalPort > 0) {
            root.putObject("portal").put("url", "https://" + portalHost + ":" + portalPort + "/login");
        }
        root.put("receiptCertificate", receiptCertificate.toAbsolutePath().toString());
        if (caCertificate != null) {
            root.put("caCertificate", caCertificate.toAbsolutePath().toString());
        }
        ArrayNode accounts = root.putArray("accounts");
        for (Account a : registry.accounts()) {
            Path password = demoDir.resolve(a.name() + ".password");
            boolean person = totpSecrets.containsKey(a.name()) && Files.exists(password);
            if (!a.demoKey() && !person) {
                continue;
            }
            ObjectNode n = accounts.addObject();
            n.put("name", a.name());
            n.put("state", a.isSecretariat() ? "secretariat" : a.stateCode());
            n.put("role", a.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            if (person) {
                n.put("portalPassword", Files.readString(password, StandardCharsets.US_ASCII).strip());
                n.put("totpSecret", totpSecrets.get(a.name()));
            }
            if (!a.demoKey()) {
                continue;
            }
            n.put("sftpPrivateKey", demoDir.resolve(a.name()).toAbsolutePath().toString());
            Path cert = RegistryLoader.demoCertificateFile(demoDir, a.name());
            if (Files.exists(cert)) {
                n.put("apiCertificate", cert.toAbsolutePath().toString());
                n.put("apiKey", demoDir.resolve(a.name() + "-api.key.pem").toAbsolutePath().toString());
                n.put("apiPkcs12", demoDir.resolve(a.name() + "-api.p12").toAbsolutePath().toString());
                n.put("apiPkcs12Password", DEMO_PKCS12_PASSWORD);
            }
        }
        Path file = demoDir.resolve("accounts.json");
        Path tmp = demoDir.resolve("accounts.json.tmp");
        mapper.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
