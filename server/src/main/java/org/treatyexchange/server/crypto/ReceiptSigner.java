package org.treatyexchange.server.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.internal.Cms;
import org.treatyexchange.sdk.wire.AuditAnchor;

/**
 * The server's receipt key: signs receipts as DER CMS SignedData (RFC 5652) that anyone can check
 * with {@code openssl cms -verify -inform DER -in receipt.p7s -CAfile receipt-signer.pem}.
 *
 * <p>On first use it creates an ECDSA P-384 key and a self-signed X.509 v3 certificate (10 years,
 * {@code CN=<commonName>, O=Treaty Exchange}, basicConstraints CA:FALSE, keyUsage
 * digitalSignature + nonRepudiation, subject key identifier), kept in a password-protected PKCS#12
 * file (mode 0600) and published as PEM (mode 0644). Signatures use SHA-384 with signed attributes
 * content-type, message-digest, signing-time (from the injected clock) and CMS algorithm
 * protection (RFC 6211); the content is encapsulated and the certificate included.
 *
 * <p>Thread-safe.
 */
public final class ReceiptSigner {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptSigner.class);

    /** Largest CMS structure {@link #verify} parses: receipts and envelopes are small. */
    public static final int MAX_CMS_BYTES = 1024 * 1024;

    static final String ALIAS = "receipt-signer";
    private static final String SIGNATURE_ALGORITHM = "SHA384withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(3653);
    // Tolerates verifiers whose clocks run a little behind ours.
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Set<ASN1ObjectIdentifier> ACCEPTED_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private final Cms.SigningKey signingKey;
    private final X509Certificate certificate;
    private final Clock clock;

    private ReceiptSigner(PrivateKey privateKey, X509Certificate certificate, Clock clock) throws GeneralSecurityException {
        this.signingKey = Cms.SigningKey.of(privateKey);
        this.certificate = certificate;
        this.clock = clock;
    }

    /**
     * Loads the receipt key, or creates key and certificate when {@code keystoreFile} does not
     * exist. The PEM file is (re)written whenever it is missing or does not match the keystore.
     */
    public static ReceiptSigner openOrCreate(Path keystoreFile, Path certificatePem, char[] password,
                                             String commonName, Clock clock) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(keystoreFile, "keystoreFile");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clock, "clock");
        if (password.length == 0) {
            throw new IllegalArgumentException("receipt keystore password must not be empty");
        }
        if (commonName == null || commonName.isBlank() || commonName.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("commonName must be non-blank printable text, got '" + commonName + "'");
        }
        ReceiptSigner signer;
        if (Files.exists(keystoreFile)) {
            signer = load(keystoreFile, password, clock);
            LOG.info("receipt key {} opened: {}", keystoreFile.getFileName(), signer.certificate.getSubjectX500Principal());
        } else {
            signer = create(keystoreFile, password, commonName, clock);
            LOG.info("receipt key {} created: {}", keystoreFile.getFileName(), signer.certificate.getSubjectX500Principal());
        }
        byte[] pem = toPem(signer.certificate);
        if (!Files.exists(certificatePem) || !Arrays.equals(Files.readAllBytes(certificatePem), pem)) {
            OwnerOnlyFiles.writePublic(certificatePem, pem);
            LOG.info("receipt certificate written to {}", certificatePem.getFileName());
        }
        return signer;
    }

    /** The certificate that verifies this signer's receipts. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** DER CMS SignedData over {@code content}, encapsulated, certificate included. */
    public byte[] sign(byte[] content) {
        return sign(content, null);
    }

    /**
     * As {@link #sign(byte[])}, with {@code anchor} (the audit chain at the event that records what is
     * signed; null for none) as a signed attribute: a receipt's anchor, outside the JSON so that readers
     * that predate it read the receipt as before.
     */
    public byte[] sign(byte[] content, AuditAnchor anchor) {
        Objects.requireNonNull(content, "content");
        try {
            // Bouncy Castle's ECDSA with the key converted once (Cms.SigningKey): one or two per filing or message.
            return Cms.sign(content, signingKey, List.of(certificate), clock.instant(), anchor);
        } catch (GeneralSecurityException e) {
            // Only a broken runtime gets here: the key and algorithms were checked at start-up.
            throw new IllegalStateException("receipt signing failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Checks that {@code cms} is CMS SignedData with encapsulated data content, signed by exactly
     * one signer, the holder of {@code trusted} (valid at the signing time), over SHA-256/384/512
     * with signed attributes, and returns the content.
     */
    public static byte[] verify(byte[] cms, X509Certificate trusted) throws SignatureCheckException {
        Objects.requireNonNull(trusted, "trusted");
        if (cms == null || cms.length == 0) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "signed data is empty");
        }
        if (cms.length > MAX_CMS_BYTES) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED,
                    "signed data is larger than " + MAX_CMS_BYTES + " bytes");
        }
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(cms);
        } catch (CMSException | RuntimeException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "not CMS SignedData");
        }
        if (signed.getSignedContent() == null || !(signed.getSignedContent().getContent() instanceof byte[] content)) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "content is not encapsulated");
        }
        if (!CMSObjectIdentifiers.data.equals(signed.getSignedContent().getContentType())) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "content type is not id-data");
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED,
                    "expected exactly one signer, found " + signers.size());
        }
        SignerInformation signer = signers.iterator().next();
        X509CertificateHolder trustedHolder;
        try {
            trustedHolder = new JcaX509CertificateHolder(trusted);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trusted certificate cannot be encoded", e);
        }
        if (!signer.getSID().match(trustedHolder)) {
            throw new SignatureCheckException(SignatureCheckException.Reason.UNTRUSTED_SIGNER,
                    "signer is not " + trusted.getSubjectX500Principal());
        }
        if (signer.getSignedAttributes() == null) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "signed attributes are missing");
        }
        if (!ACCEPTED_DIGESTS.contains(signer.getDigestAlgorithmID().getAlgorithm())) {
            throw new SignatureCheckException(SignatureCheckException.Reason.BAD_SIGNATURE,
                    "digest algorithm " + signer.getDigestAlgOID() + " is not accepted");
        }
        try {
            // Also checks message-digest, content-type and algorithm protection attributes, and
            // the certificate's validity at the signing time when present.
            boolean ok = signer.verify(Cms.verifierFor(trustedHolder));
            if (!ok) {
                throw new SignatureCheckException(SignatureCheckException.Reason.BAD_SIGNATURE, "signature does not verify");
            }
        } catch (CMSVerifierCertificateNotValidException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.UNTRUSTED_SIGNER,
                    "signer certificate was not valid at the signing time");
        } catch (CMSSignerDigestMismatchException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.BAD_SIGNATURE, "content digest does not match");
        } catch (CMSException | RuntimeException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.BAD_SIGNATURE,
                    "signature does not verify: " + e.getClass().getSimpleName());
        } catch (OperatorCreationException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "unsupported signature algorithm");
        }
        return content;
    }

    /**
     * The audit anchor signed into {@code cms}, if any; check the signature first ({@link #verify}).
     *
     * @throws SignatureCheckException when the anchor attribute is malformed
     */
    public static Optional<AuditAnchor> anchorOf(byte[] cms) throws SignatureCheckException {
        try {
            return Cms.anchorOf(cms);
        } catch (VerificationException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, e.getMessage());
        }
    }

    private static ReceiptSigner create(Path keystoreFile, char[] password, String commonName, Clock clock)
            throws IOException, GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"), random);
        KeyPair pair = generator.generateKeyPair();

        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                // Most significant RDN first, so RFC 2253 prints "CN=...,O=Treaty Exchange".
                .addRDN(BCStyle.O, "Treaty Exchange")
                .addRDN(BCStyle.CN, commonName)
                .build();
        Instant notBefore = clock.instant().minus(BACKDATE);
        BigInteger serial = new BigInteger(127, random).setBit(126);
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509Certificate certificate;
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subject, pair.getPublic());
            // A leaf (CA:FALSE); openssl accepts it as its own trust anchor with -CAfile.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(pair.getPrivate()));
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the receipt certificate: " + e.getMessage(), e);
        }

        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ks.store(bytes, password);
        OwnerOnlyFiles.writeSecret(keystoreFile, bytes.toByteArray());
        return new ReceiptSigner(pair.getPrivate(), certificate, clock);
    }

    private static ReceiptSigner load(Path keystoreFile, char[] password, Clock clock)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        KeyStore.Entry entry;
        try {
            ks.load(new ByteArrayInputStream(Files.readAllBytes(keystoreFile)), password);
            entry = ks.getEntry(ALIAS, new KeyStore.PasswordProtection(password));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.debug("receipt keystore {} load failed: {}", keystoreFile.getFileName(), e.getClass().getName());
            throw new KeyStoreException("receipt keystore " + keystoreFile.getFileName()
                    + " could not be opened: wrong password or damaged file");
        }
        if (!(entry instanceof KeyStore.PrivateKeyEntry key)
                || !(key.getCertificate() instanceof X509Certificate certificate)) {
            throw new KeyStoreException("receipt keystore " + keystoreFile.getFileName()
                    + " has no private key entry '" + ALIAS + "' with an X.509 certificate");
        }
        return new ReceiptSigner(key.getPrivateKey(), certificate, clock);
    }

    static byte[] toPem(X509Certificate certificate) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(certificate);
        }
        return bytes.toByteArray();
    }
}
