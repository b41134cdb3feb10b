package org.treatyexchange.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.treatyexchange.sdk.internal.Certificates;

/**
 * Makes the keys a national system registers with the secretariat, in one folder:
 * <ul>
 * <li>{@code <account>} and {@code <account>.pub}: an Ed25519 SSH key for the SFTP drop box (OpenSSH
 * format, as {@code ssh-keygen} writes it; the {@code .pub} line is what the registry lists under
 * {@code sshKeys});</li>
 * <li>{@code <account>-api.key.pem}: an ECDSA P-256 key (PKCS#8) for the signed-message channel;</li>
 * <li>{@code <account>-api.cert.pem}: a self-signed certificate for that key (the exchange pins client
 * certificates by fingerprint, so it can be registered as it is), valid for two years;</li>
 * <li>{@code <account>-api.csr.pem}: a PKCS#10 request for the same key, for a secretariat that issues
 * certificates from its own CA instead.</li>
 * </ul>
 * Private keys are written owner-only (mode 600 where the file system has POSIX permissions) and never
 * overwritten. Thread-safe (stateless).
 */
public final class KeyGenerator {

    private static final Pattern ACCOUNT = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final Pattern ORGANISATION = Pattern.compile("[\\p{L}\\p{N} .,'()&-]{1,64}");
    /** How long the self-signed certificate is valid. */
    public static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(730);

    private KeyGenerator() {
    }

    /**
     * What {@link #generate} wrote, and the fingerprints the secretariat compares when it registers them.
     *
     * @param sshPrivateKey          the OpenSSH private key
     * @param sshPublicKey           its {@code .pub} line
     * @param sshFingerprint         {@code SHA256:…} of the SSH key
     * @param apiPrivateKey          the PKCS#8 PEM key of the signed-message channel
     * @param apiCertificate         its self-signed certificate (PEM)
     * @param apiCertificateRequest  its PKCS#10 request (PEM)
     * @param certificateFingerprint lower-case hex SHA-256 of the certificate's DER, as the registry and receipts name it
     */
    public record GeneratedKeys(Path sshPrivateKey, Path sshPublicKey, String sshFingerprint, Path apiPrivateKey,
            Path apiCertificate, Path apiCertificateRequest, String certificateFingerprint) {
    }

    /**
     * Generates the keys of {@code account} into {@code directory} (created if missing).
     *
     * @param organisation the certificate's {@code O=}, e.g. the State's code
     * @throws FileAlreadyExistsException when any of the files exists (nothing is written then)
     */
    public static GeneratedKeys generate(Path directory, String account, String organisation)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(directory, "directory");
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw new IllegalArgumentException("the account name must match [a-z][a-z0-9._-]{0,31}");
        }
        if (organisation == null || !ORGANISATION.matcher(organisation).matches()) {
            throw new IllegalArgumentException("the organisation must be 1 to 64 letters, digits, spaces or .,'()&-");
        }
        Path ssh = directory.resolve(account);
        Path sshPub = directory.resolve(account + ".pub");
        Path apiKey = directory.resolve(account + "-api.key.pem");
        Path apiCert = directory.resolve(account + "-api.cert.pem");
        Path apiCsr = directory.resolve(account + "-api.csr.pem");
        for (Path p : List.of(ssh, sshPub, apiKey, apiCert, apiCsr)) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(String.valueOf(p.getFileName()), null, "refusing to overwrite an existing key file");
            }
        }
        Files.createDirectories(directory);

        KeyPair sshPair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        String comment = account + "@treaty-exchange";
        ByteArrayOutputStream privateBytes = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(sshPair, comment, null, privateBytes);
        SshIdentity identity = SshIdentity.of(sshPair);

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair apiPair = ec.generateKeyPair();
        X509Certificate certificate = Certificates.selfSigned(apiPair, account, organisation, CERTIFICATE_VALIDITY);
        String csr = Certificates.csrPem(apiPair, account, organisation);

        writeSecret(ssh, privateBytes.toByteArray());
        writePublic(sshPub, (identity.publicKeyLine(comment) + "\n").getBytes(StandardCharsets.US_ASCII));
        writeSecret(apiKey, pkcs8Pem(apiPair).getBytes(StandardCharsets.US_ASCII));
        writePublic(apiCert, Certificates.pem(certificate).getBytes(StandardCharsets.US_ASCII));
        writePublic(apiCsr, csr.getBytes(StandardCharsets.US_ASCII));
        return new GeneratedKeys(ssh, sshPub, identity.fingerprint(), apiKey, apiCert, apiCsr, ClientKeys.fingerprint(certificate));
    }

    private static String pkcs8Pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void writeSecret(Path file, byte[] content) throws IOException {
        write(file, content, "rw-------");
    }

    private static void writePublic(Path file, byte[] content) throws IOException {
        write(file, content, "rw-r--r--");
    }

    private static void write(Path file, byte[] content, String mode) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(mode);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(permissions)); // never readable by others, not even briefly
        } else {
            Files.createFile(file);
        }
        Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
