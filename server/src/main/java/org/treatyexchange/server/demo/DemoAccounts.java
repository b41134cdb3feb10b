package org.treatyexchange.server.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.crypto.IssuedCredential;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
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
        root.put("receiptCertificate", receiptCertificate.toAbsolutePath().toString());
        if (caCertificate != null) {
            root.put("caCertificate", caCertificate.toAbsolutePath().toString());
        }
        ArrayNode accounts = root.putArray("accounts");
        for (Account a : registry.accounts()) {
            if (!a.demoKey()) {
                continue;
            }
            ObjectNode n = accounts.addObject();
            n.put("name", a.name());
            n.put("state", a.isSecretariat() ? "secretariat" : a.stateCode());
            n.put("role", a.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
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
