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
import org.treatyexchange.server.crypto.SshKeyFiles;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.Registry;

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

    /**
     * Writes {@code accounts.json}: each demo account's name, State (or {@code secretariat}), role and
     * private-key path, the SFTP address, and the receipt-signing certificate's path.
     */
    public static Path writeAccountsFile(Path demoDir, Registry registry, String sftpHost, int sftpPort, Path receiptCertificate)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode sftp = root.putObject("sftp");
        sftp.put("host", sftpHost);
        sftp.put("port", sftpPort);
        root.put("receiptCertificate", receiptCertificate.toAbsolutePath().toString());
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
        }
        Path file = demoDir.resolve("accounts.json");
        Path tmp = demoDir.resolve("accounts.json.tmp");
        mapper.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
