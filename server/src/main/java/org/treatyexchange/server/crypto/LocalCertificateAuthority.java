package org.treatyexchange.server.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own certificate authority, for the demo and for small deployments that do not
 * bring their own PKI: it issues the HTTPS server certificate and the States' API client
 * certificates.
 *
 * <p>The CA key is ECDSA P-384 with a self-signed X.509 v3 certificate ({@code CN=<commonName>,
 * O=Treaty Exchange}, 10 years, basicConstraints critical CA:TRUE pathLen 0, keyUsage critical
 * keyCertSign + cRLSign, subject key identifier), kept in a password-protected PKCS#12 file (mode
 * 0600) and published as PEM (mode 0644). Issued certificates carry ECDSA P-256 keys, are signed
 * with SHA-384, have random 127-bit serials and an authority key identifier, start one hour in the
 * past (clock skew of relying parties) and never outlive the CA certificate.
 *
 * <p>Being issued by this CA makes nobody trusted: the API trusts a client certificate only when
 * its fingerprint is registered to an account in the registry.
 *
 * <p>Thread-safe.
 */
public final class LocalCertificateAuthority {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCertificateAuthority.class);

    static final String ALIAS = "ca";
    private static final String SIGNATURE_ALGORITHM = "SHA384withECDSA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3653);
    private static final Duration BACKDATE = Duration.ofHours(1);
    /** Longest validity of an issued certificate; the CA's own end date caps it further. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(3653);
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IP_LITERAL = Pattern.compile(
            "\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private LocalCertificateAuthority(PrivateKey key, X509Certificate certificate, Clock clock) {
        this.key = key;
        this.certificate = certificate;
        this.clock = clock;
    }

    /**
     * Loads the CA, or creates its key and certificate when {@code keystoreP12} does not exist.
     * {@code caCertificatePem} is (re)written whenever it is missing or differs from the keystore.
     *
     * @throws KeyStoreException if the keystore exists but cannot be opened (wrong password,
     *     damaged) or holds no CA entry; it is never silently replaced
     */
    public static LocalCertificateAuthority openOrCreate(Path keystoreP12, Path caCertificatePem, char[] password,
            String commonName, Clock clock) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(keystoreP12, "keystoreP12");
        Objects.requireNonNull(caCertificatePem, "caCertificatePem");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clock, "clock");
        if (password.length == 0) {
            throw new IllegalArgumentException("CA keystore password must not be empty");
        }
        checkName(commonName, "commonName");
        LocalCertificateAuthority ca;
        if (Files.exists(keystoreP12)) {
            ca = load(keystoreP12, password, clock);
            LOG.info("certificate authority {} opened: {}", keystoreP12.getFileName(),
                    ca.certificate.getSubjectX500Principal());
            if (ca.certificate.getNotAfter().toInstant().isBefore(clock.instant())) {
                LOG.warn("certificate authority {} expired on {}; certificates it issues will not verify",
                        keystoreP12.getFileName(), ca.certificate.getNotAfter().toInstant());
            }
        } else {
            ca = create(keystoreP12, password, commonName, clock);
            LOG.info("certificate authority {} created: {}", keystoreP12.getFileName(),
                    ca.certificate.getSubjectX500Principal());
        }
        byte[] pem = X509Pem.certificatesPem(List.of(ca.certificate));
        if (!Files.exists(caCertificatePem) || !Arrays.equals(Files.readAllBytes(caCertificatePem), pem)) {
            OwnerOnlyFiles.writePublic(caCertificatePem, pem);
            LOG.info("CA certificate written to {}", caCertificatePem.getFileName());
        }
        return ca;
    }

    /** The CA certificate: the trust anchor for the server certificate and issued client certificates. */
    public X509Certificate certificate() {
        return certificate;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Issues a TLS server certificate: ECDSA P-256, EKU serverAuth, keyUsage digitalSignature,
     * subjectAltName with every DNS name and IP address, {@code CN} = the first name.
     *
     * @param dnsNames host names (lower-case LDH labels, optionally a leading {@code *.})
     * @param ipAddresses IPv4 or IPv6 literals
     * @param validity at most {@link #MAX_VALIDITY}; cut to the CA's own end date
     * @throws IllegalArgumentException if there is no name at all, or a name is malformed
     */
    public IssuedCredential issueServerCertificate(List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        Objects.requireNonNull(dnsNames, "dnsNames");
        Objects.requireNonNull(ipAddresses, "ipAddresses");
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            if (dns == null || dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
                throw new IllegalArgumentException("'" + dns + "' is not a lower-case DNS name such as exchange.example.org");
            }
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : ipAddresses) {
            names.add(new GeneralName(GeneralName.iPAddress, ipLiteral(ip)));
        }
        String cn = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Treaty Exchange")
                .addRDN(BCStyle.CN, cn)
                .build();
        return issue(subject, validity, new KeyUsage(KeyUsage.digitalSignature),
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth), new GeneralNames(names.toArray(new GeneralName[0])));
    }

    /**
     * Issues a client certificate for a State's system: ECDSA P-256, {@code CN=<commonName>,
     * O=<organization>}, EKU clientAuth + emailProtection (so that the same credential logs in
     * over mutual TLS and signs CMS envelopes that {@code openssl cms -verify} accepts for the
     * S/MIME signing purpose), keyUsage digitalSignature + nonRepudiation.
     *
     * @param commonName e.g. the account name
     * @param organization e.g. the State code
     * @param validity at most {@link #MAX_VALIDITY}; cut to the CA's own end date
     */
    public IssuedCredential issueClientCertificate(String commonName, String organization, Duration validity) {
        checkName(commonName, "commonName");
        checkName(organization, "organization");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, organization)
                .addRDN(BCStyle.CN, commonName)
                .build();
        return issue(subject, validity, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation),
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth,
                    KeyPurposeId.id_kp_emailProtection}), null);
    }

    /**
     * Signs a certificate signing request (PEM {@code CERTIFICATE REQUEST}) for a State's national system: the subject is
     * set here ({@code O=<State code>, CN=<account>}), whatever the request asked, so that a State cannot obtain a
     * certificate naming another; the request's own signature must verify (the requester holds the key), and its key
     * must be ECDSA P-256/P-384 or RSA of at least 2048 bits (the policy of SECURITY.md). Same extensions as
     * {@link #issueClientCertificate}.
     *
     * @throws IllegalArgumentException saying what is wrong with the request, safe to show
     */
    public X509Certificate signClientRequest(String csrPem, String commonName, String organization, Duration validity) {
        checkName(commonName, "commonName");
        checkName(organization, "organization");
        if (csrPem == null || csrPem.length() > 16_384) {
            throw new IllegalArgumentException("a certificate request is PEM text of at most 16 KiB");
        }
        PublicKey requested;
        java.util.regex.Matcher block = java.util.regex.Pattern.compile(
                "\\A\\s*-----BEGIN (NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\\s]+)-----END (NEW )?CERTIFICATE REQUEST-----\\s*\\z")
                .matcher(csrPem);
        if (!block.matches()) {
            throw new IllegalArgumentException("give one PEM CERTIFICATE REQUEST and nothing else");
        }
        try {
            byte[] der = java.util.Base64.getMimeDecoder().decode(block.group(2));
            org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest request = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(der);
            requested = request.getPublicKey();
            if (!request.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(requested))) {
                throw new IllegalArgumentException("the certificate request's signature does not verify");
            }
        } catch (IOException | GeneralSecurityException | OperatorCreationException | org.bouncycastle.pkcs.PKCSException
                | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith("the certificate")) {
                throw iae;
            }
            throw new IllegalArgumentException("the certificate request cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        requireStrongClientKey(requested);
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("validity must be positive and at most " + MAX_VALIDITY.toDays() + " days");
        }
        Instant now = clock.instant();
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (!caEnd.isAfter(now)) {
            throw new IllegalStateException("the CA certificate expired on " + caEnd + "; create a new CA");
        }
        Instant notAfter = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organization).addRDN(BCStyle.CN, commonName).build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, requested);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth,
                KeyPurposeId.id_kp_emailProtection}));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(requested));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            X509Certificate issued = toX509(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
            LOG.info("signed certificate request for {} serial {} until {}", issued.getSubjectX500Principal(),
                    issued.getSerialNumber().toString(16), notAfter);
            return issued;
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("certificate issuance failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** ECDSA on P-256 or P-384, or RSA of at least 2048 bits; anything else is refused. */
    private static void requireStrongClientKey(PublicKey key) {
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("an RSA key must have at least 2048 bits, this one has " + rsa.getModulus().bitLength());
            }
            return;
        }
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            if (bits != 256 && bits != 384) {
                throw new IllegalArgumentException("an ECDSA key must be on P-256 or P-384");
            }
            return;
        }
        throw new IllegalArgumentException("the key must be ECDSA (P-256, P-384) or RSA (at least 2048 bits), not " + key.getAlgorithm());
    }

    /** Lower-case hex SHA-256 of the certificate's DER encoding: how the registry names certificates. */
    public static String fingerprint(X509Certificate certificate) {
        return X509Pem.fingerprint(certificate);
    }

    /**
     * Parses PEM text holding one or more {@code CERTIFICATE} blocks and nothing else but
     * whitespace: at most {@value X509Pem#MAX_PEM_CHARS} characters, at most
     * {@value X509Pem#MAX_CERTIFICATES} certificates of at most {@value X509Pem#MAX_CERTIFICATE_BYTES}
     * bytes each, each exactly one DER certificate. Any other block (a private key pasted by
     * mistake) is refused without echoing it.
     *
     * @throws CertificateException saying what is wrong, safe to show
     */
    public static List<X509Certificate> readPemCertificates(String pem) throws CertificateException {
        return X509Pem.readCertificates(pem);
    }

    private IssuedCredential issue(X500Name subject, Duration validity, KeyUsage keyUsage, ExtendedKeyUsage eku,
            GeneralNames altNames) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("validity must be positive and at most " + MAX_VALIDITY.toDays()
                    + " days, got " + validity);
        }
        Instant now = clock.instant();
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (!caEnd.isAfter(now)) {
            throw new IllegalStateException("the CA certificate expired on " + caEnd + "; create a new CA");
        }
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(caEnd)) {
            notAfter = caEnd;
        }
        try {
            KeyPair pair = generate("secp256r1", random);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, keyUsage);
            builder.addExtension(Extension.extendedKeyUsage, false, eku);
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(certificate));
            X509Certificate issued = toX509(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
            LOG.info("issued certificate {} serial {} until {}", issued.getSubjectX500Principal(),
                    issued.getSerialNumber().toString(16), notAfter);
            return new IssuedCredential(pair.getPrivate(), issued, List.of(issued, certificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            // Only a broken runtime gets here: the CA key was loaded and checked at start-up.
            throw new IllegalStateException("certificate issuance failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static LocalCertificateAuthority create(Path keystoreP12, char[] password, String commonName, Clock clock)
            throws IOException, GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        KeyPair pair = generate("secp384r1", random);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Treaty Exchange")
                .addRDN(BCStyle.CN, commonName)
                .build();
        Instant notBefore = clock.instant().minus(BACKDATE);
        X509Certificate certificate;
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(notBefore), Date.from(notBefore.plus(CA_VALIDITY)), subject, pair.getPublic());
            // pathLen 0: this CA issues end-entity certificates only, never another CA.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            certificate = toX509(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the CA certificate: " + e.getMessage(), e);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ks.store(bytes, password);
        OwnerOnlyFiles.writeSecret(keystoreP12, bytes.toByteArray());
        return new LocalCertificateAuthority(pair.getPrivate(), certificate, clock);
    }

    private static LocalCertificateAuthority load(Path keystoreP12, char[] password, Clock clock)
            throws IOException, GeneralSecurityException {
        KeyStore.PrivateKeyEntry entry = loadEntry(keystoreP12, password, ALIAS, "CA keystore");
        X509Certificate certificate = (X509Certificate) entry.getCertificate();
        if (certificate.getBasicConstraints() < 0 || !matches(entry.getPrivateKey(), certificate.getPublicKey())) {
            throw new KeyStoreException("CA keystore " + keystoreP12.getFileName()
                    + " does not hold a CA certificate with its key");
        }
        return new LocalCertificateAuthority(entry.getPrivateKey(), certificate, clock);
    }

    /** Opens a PKCS#12 file and returns its private key entry {@code alias} with an X.509 certificate. */
    static KeyStore.PrivateKeyEntry loadEntry(Path file, char[] password, String alias, String what)
            throws IOException, KeyStoreException {
        KeyStore ks;
        KeyStore.Entry entry;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
            entry = ks.getEntry(alias, new KeyStore.PasswordProtection(password));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.debug("{} {} load failed: {}", what, file.getFileName(), e.getClass().getName());
            throw new KeyStoreException(what + " " + file.getFileName()
                    + " could not be opened: wrong password or damaged file");
        }
        if (!(entry instanceof KeyStore.PrivateKeyEntry key) || !(key.getCertificate() instanceof X509Certificate)) {
            throw new KeyStoreException(what + " " + file.getFileName() + " has no private key entry '" + alias
                    + "' with an X.509 certificate");
        }
        return key;
    }

    /** Whether {@code key} is the private half of {@code publicKey} (checked by signing). */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        try {
            String algorithm = "EC".equals(publicKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            byte[] probe = "treaty-exchange key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static KeyPair generate(String curve, SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve), random);
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(126);
    }

    static X509Certificate toX509(X509CertificateHolder holder) throws IOException, CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    }

    static String ipLiteral(String ip) {
        if (ip == null || !IP_LITERAL.matcher(ip).matches()) {
            throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address");
        }
        try {
            // Only literals reach here (the pattern admits digits, dots, hex and colons): no DNS lookup.
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address");
        }
    }

    private static void checkName(String value, String what) {
        if (value == null || value.isBlank() || value.length() > 64 || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must be 1 to 64 characters of printable text, got '" + value + "'");
        }
    }
}
