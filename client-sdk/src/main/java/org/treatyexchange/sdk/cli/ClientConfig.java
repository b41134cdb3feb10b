package org.treatyexchange.sdk.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.treatyexchange.sdk.ClientKeys;
import org.treatyexchange.sdk.ExchangeClient;
import org.treatyexchange.sdk.ProgressListener;
import org.treatyexchange.sdk.RetryPolicy;
import org.treatyexchange.sdk.SshIdentity;

/**
 * The command-line tool's configuration file (Java properties, UTF-8). Paths in it are relative to the
 * file's own folder. It names key files and where their passwords are — a file or an environment
 * variable — but never holds a password itself, and nothing secret is ever taken from the command line.
 * Unknown keys are refused (a typo must not silently drop a setting).
 */
final class ClientConfig {

    /** Every key the file may hold. */
    static final Set<String> KEYS = Set.of("account", "state",
            "sftp.host", "sftp.port", "sftp.key", "sftp.keyPassphraseFile", "sftp.keyPassphraseEnv", "sftp.hostKey", "sftp.hostKeyFile",
            "api.url", "api.key", "api.certificate", "api.keyPasswordFile", "api.keyPasswordEnv", "api.pkcs12", "api.pkcs12PasswordFile",
            "api.pkcs12PasswordEnv", "api.ca", "receiptCertificate", "retry.attempts", "retry.initialDelaySeconds",
            "retry.maxDelaySeconds", "outbox");

    private final Path file;
    private final Path base;
    private final Properties p;
    private final Map<String, String> env;

    private ClientConfig(Path file, Properties p, Map<String, String> env) {
        this.file = file;
        this.base = file.toAbsolutePath().getParent();
        this.p = p;
        this.env = env;
    }

    static ClientConfig load(Path file, Map<String, String> env) throws ConfigProblem {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigProblem("the configuration file " + file + " could not be read");
        }
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new ConfigProblem(file + ": unknown key(s) " + unknown + "; known keys: " + new TreeSet<>(KEYS));
        }
        return new ClientConfig(file, p, env);
    }

    /** A problem with the configuration or the files it names; the message is safe to print. */
    static final class ConfigProblem extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigProblem(String message) {
            super(message);
        }
    }

    String get(String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    String require(String key) throws ConfigProblem {
        String v = get(key);
        if (v == null) {
            throw new ConfigProblem(file + ": '" + key + "' is required for this command");
        }
        return v;
    }

    Path path(String key) {
        String v = get(key);
        return v == null ? null : base.resolve(v).normalize();
    }

    Path requirePath(String key) throws ConfigProblem {
        require(key);
        return path(key);
    }

    String account() throws ConfigProblem {
        return require("account");
    }

    String state() throws ConfigProblem {
        return require("state");
    }

    Path outbox() {
        Path configured = path("outbox");
        return configured != null ? configured : base.resolve("outbox");
    }

    private int integer(String key, int fallback) throws ConfigProblem {
        String v = get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigProblem(file + ": '" + key + "' must be a whole number, not '" + v + "'");
        }
    }

    RetryPolicy retry() throws ConfigProblem {
        try {
            return new RetryPolicy(integer("retry.attempts", RetryPolicy.DEFAULT.attempts()),
                    Duration.ofSeconds(integer("retry.initialDelaySeconds", (int) RetryPolicy.DEFAULT.initialDelay().toSeconds())),
                    Duration.ofSeconds(integer("retry.maxDelaySeconds", (int) RetryPolicy.DEFAULT.maxDelay().toSeconds())));
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(file + ": retry: " + e.getMessage());
        }
    }

    /** A secret named by {@code <prefix>File} (a file) or {@code <prefix>Env} (an environment variable); null when neither. */
    char[] secret(String prefix) throws ConfigProblem {
        Path f = path(prefix + "File");
        if (f != null) {
            try {
                return Files.readString(f, StandardCharsets.UTF_8).strip().toCharArray();
            } catch (IOException e) {
                throw new ConfigProblem(file + ": the file named by '" + prefix + "File' could not be read");
            }
        }
        String variable = get(prefix + "Env");
        if (variable != null) {
            String v = env.get(variable);
            if (v == null) {
                throw new ConfigProblem(file + ": the environment variable " + variable + " named by '" + prefix + "Env' is not set");
            }
            return v.toCharArray();
        }
        return null;
    }

    X509Certificate certificate(String key) throws ConfigProblem {
        Path f = requirePath(key);
        try (InputStream in = Files.newInputStream(f)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigProblem(file + ": '" + key + "' does not name a readable PEM certificate");
        }
    }

    boolean hasSftp() {
        return get("sftp.host") != null;
    }

    boolean hasApi() {
        return get("api.url") != null;
    }

    /** A client for the channels the command needs. */
    ExchangeClient client(boolean sftp, boolean api, ProgressListener progress) throws ConfigProblem, GeneralSecurityException, IOException {
        ExchangeClient.Builder b = ExchangeClient.builder()
                .account(account())
                .receiptCertificate(certificate("receiptCertificate"))
                .retryPolicy(retry())
                .progress(progress);
        if (sftp) {
            int port = integer("sftp.port", 22);
            SshIdentity identity;
            try {
                identity = SshIdentity.load(requirePath("sftp.key"), secret("sftp.keyPassphrase"));
            } catch (IOException | GeneralSecurityException e) {
                throw new ConfigProblem(file + ": 'sftp.key': " + e.getMessage());
            }
            try {
                b.sftp(require("sftp.host"), port, identity);
                for (String fp : list("sftp.hostKey")) {
                    b.sftpHostKey(fp);
                }
                for (String f : list("sftp.hostKeyFile")) {
                    b.sftpHostKeyFile(base.resolve(f));
                }
            } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
                throw new ConfigProblem(file + ": sftp: " + e.getMessage());
            }
            if (get("sftp.hostKey") == null && get("sftp.hostKeyFile") == null) {
                throw new ConfigProblem(file + ": pin the exchange's SSH host key with 'sftp.hostKey' (SHA256:… as the server logs it) "
                        + "or 'sftp.hostKeyFile'");
            }
        }
        if (api) {
            ClientKeys keys;
            try {
                if (get("api.pkcs12") != null) {
                    char[] password = secret("api.pkcs12Password");
                    if (password == null) {
                        throw new ConfigProblem(file + ": 'api.pkcs12' needs 'api.pkcs12PasswordFile' or 'api.pkcs12PasswordEnv'");
                    }
                    keys = ClientKeys.fromPkcs12(path("api.pkcs12"), password);
                } else {
                    keys = ClientKeys.fromPem(requirePath("api.key"), secret("api.keyPassword"), requirePath("api.certificate"));
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new ConfigProblem(file + ": the API keys could not be loaded: " + e.getMessage());
            }
            URI uri;
            try {
                uri = URI.create(require("api.url"));
            } catch (IllegalArgumentException e) {
                throw new ConfigProblem(file + ": 'api.url' is not a URI");
            }
            try {
                b.api(uri, keys, certificate("api.ca"));
            } catch (IllegalArgumentException e) {
                throw new ConfigProblem(file + ": 'api.url': " + e.getMessage());
            }
        }
        try {
            return b.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ConfigProblem(file + ": " + e.getMessage());
        }
    }

    private List<String> list(String key) {
        String v = get(key);
        Collection<String> out = new ArrayList<>();
        if (v != null) {
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return List.copyOf(out);
    }
}
