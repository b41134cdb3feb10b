package org.treatyexchange.server.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server's own credential, issued by the {@link LocalCertificateAuthority} on first
 * start and kept in a password-protected PKCS#12 file (mode 0600).
 */
public final class TlsCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(TlsCredentials.class);

    /** Validity of a newly issued server certificate. */
    public static final Duration VALIDITY = Duration.ofDays(365);
    /** A stored certificate is replaced once it has less than this left. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private TlsCredentials() {
    }

    /**
     * Returns the stored server credential if it is still usable, else issues a new one and stores
     * it. Usable means: issued by {@code ca}, already valid, valid for at least
     * {@link #RENEW_BEFORE} more (by the CA's clock), and naming exactly {@code dnsNames} and
     * {@code ips} (so a changed {@code api.serverNames} takes effect at the next start).
     *
     * @throws java.security.KeyStoreException if {@code keystoreP12} exists but cannot be opened
     *     with {@code password}: a wrong password is reported, never papered over by a new key
     */
    public static IssuedCredential openOrCreate(LocalCertificateAuthority ca, Path keystoreP12, char[] password,
            List<String> dnsNames, List<String> ips) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(keystoreP12, "keystoreP12");
        Objects.requireNonNull(password, "password");
        List<String> dns = List.copyOf(dnsNames);
        List<String> addresses = List.copyOf(ips);
        if (Files.exists(keystoreP12)) {
            IssuedCredential stored = load(keystoreP12, password);
            String why = unusable(stored, ca, dns, addresses);
            if (why == null) {
                LOG.info("TLS certificate {} reused, valid until {}", keystoreP12.getFileName(),
                        stored.certificate().getNotAfter().toInstant());
                return stored;
            }
            LOG.info("TLS certificate {} replaced: {}", keystoreP12.getFileName(), why);
        }
        IssuedCredential issued = ca.issueServerCertificate(dns, addresses, VALIDITY);
        issued.writePkcs12(keystoreP12, password);
        LOG.info("TLS certificate {} issued for {} {}, valid until {}", keystoreP12.getFileName(), dns, addresses,
                issued.certificate().getNotAfter().toInstant());
        return issued;
    }

    private static IssuedCredential load(Path keystoreP12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore.PrivateKeyEntry entry = LocalCertificateAuthority.loadEntry(keystoreP12, password,
                IssuedCredential.ALIAS, "TLS keystore");
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : entry.getCertificateChain()) {
            chain.add((X509Certificate) c);
        }
        return new IssuedCredential(entry.getPrivateKey(), chain.get(0), chain);
    }

    /** Why the stored credential must be replaced, or null if it can be used. */
    private static String unusable(IssuedCredential stored, LocalCertificateAuthority ca, List<String> dns,
            List<String> ips) {
        X509Certificate cert = stored.certificate();
        try {
            cert.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return "not issued by the current CA";
        }
        if (!LocalCertificateAuthority.matches(stored.key(), cert.getPublicKey())) {
            return "key does not match the certificate";
        }
        Instant now = ca.clock().instant();
        if (cert.getNotBefore().toInstant().isAfter(now)) {
            return "not valid yet";
        }
        if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            return "expires on " + cert.getNotAfter().toInstant() + ", less than " + RENEW_BEFORE.toDays() + " days away";
        }
        Set<String> wanted = new HashSet<>();
        dns.forEach(d -> wanted.add("dns:" + d));
        for (String ip : ips) {
            try {
                wanted.add("ip:" + LocalCertificateAuthority.ipLiteral(ip));
            } catch (IllegalArgumentException e) {
                return "requested address " + ip + " is not an IP literal";
            }
        }
        Set<String> present = new HashSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        present.add("dns:" + san.get(1));
                    } else if (type == 7) {
                        present.add("ip:" + LocalCertificateAuthority.ipLiteral((String) san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException | RuntimeException e) {
            return "subject alternative names cannot be read";
        }
        if (!present.equals(wanted)) {
            return "names changed";
        }
        return null;
    }
}
