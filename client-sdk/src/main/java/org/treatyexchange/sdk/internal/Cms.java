package org.treatyexchange.sdk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;
import org.bouncycastle.operator.bc.BcRSAContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.treatyexchange.sdk.VerificationException.Reason;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.wire.AuditAnchor;

/**
 * CMS SignedData (RFC 5652) as the exchange uses it: content encapsulated ({@code id-data}), one
 * signer, signed attributes content-type, message-digest, signing-time, ESS signing-certificate-v2 and CMS
 * algorithm protection, the signer's certificate chain included, DER.
 */
public final class Cms {

    /** Largest CMS structure {@link #verify} parses. */
    public static final int MAX_CMS_BYTES = 1024 * 1024;

    private static final Set<ASN1ObjectIdentifier> ACCEPTED_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private static final ASN1ObjectIdentifier ANCHOR = new ASN1ObjectIdentifier(AuditAnchor.ATTRIBUTE_OID);

    private Cms() {
    }

    /**
     * The JCA signature algorithm for a key: ECDSA with SHA-256 / SHA-384 / SHA-512 for P-256 / P-384 /
     * P-521, RSA PKCS#1 v1.5 with SHA-256 for RSA keys of at least 2048 bits.
     */
    public static String signatureAlgorithm(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            switch (bits) {
                case 256: return "SHA256withECDSA";
                case 384: return "SHA384withECDSA";
                case 521: return "SHA512withECDSA";
                default: throw new GeneralSecurityException("EC keys must be on P-256, P-384 or P-521");
            }
        }
        if (key instanceof RSAKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new GeneralSecurityException("RSA keys must have at least 2048 bits");
            }
            return "SHA256withRSA";
        }
        throw new GeneralSecurityException("only EC and RSA keys can sign");
    }

    /**
     * A private key made ready for signing, once. Bouncy Castle keeps its table of precomputed multiples
     * of the curve's base point with the domain parameters of the key it signs with; a JCA key handed
     * over on every signature was converted anew, and the table rebuilt, every time (about 4 of the 5 ms
     * a P-384 signature took under load). Converted once, the table is built by the first signature and
     * reused by all the others. Thread-safe.
     */
    public static final class SigningKey {
        private final AsymmetricKeyParameter key;
        private final AlgorithmIdentifier signatureAlgorithm;
        private final AlgorithmIdentifier digestAlgorithm;

        private SigningKey(AsymmetricKeyParameter key, AlgorithmIdentifier signatureAlgorithm, AlgorithmIdentifier digestAlgorithm) {
            this.key = key;
            this.signatureAlgorithm = signatureAlgorithm;
            this.digestAlgorithm = digestAlgorithm;
        }

        /** Refuses what {@link #signatureAlgorithm} refuses. */
        public static SigningKey of(PrivateKey key) throws GeneralSecurityException {
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm(key));
            byte[] pkcs8 = key.getEncoded();
            if (pkcs8 == null) {
                throw new GeneralSecurityException("the private key cannot be exported (PKCS#8) for signing");
            }
            try {
                return new SigningKey(PrivateKeyFactory.createKey(pkcs8), signature, new DefaultDigestAlgorithmIdentifierFinder().find(signature));
            } catch (IOException | RuntimeException e) {
                throw new GeneralSecurityException("the private key cannot be read for signing", e);
            }
        }

        ContentSigner contentSigner() throws OperatorCreationException {
            return (key instanceof ECPrivateKeyParameters ? new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm)
                    : new BcRSAContentSignerBuilder(signatureAlgorithm, digestAlgorithm)).build(key);
        }
    }

    private static final int MAX_CACHED_VERIFIERS = 256;
    private static final Map<ByteBuffer, SignerInformationVerifier> VERIFIERS = new ConcurrentHashMap<>();

    /**
     * The verifier of signatures by {@code certificate}'s key, made once per certificate and reused: as
     * with {@link SigningKey}, Bouncy Castle keeps its precomputed multiples of the signer's public point
     * with the key it verifies with, and a key converted on every verification rebuilt them every time.
     * Signers are few (registered certificates, the receipt certificate); past 256 the cache starts
     * over, so a stream of strangers' certificates costs only the rebuild. The certificate's validity at
     * the signing time is still checked ({@code CMSVerifierCertificateNotValidException}).
     */
    public static SignerInformationVerifier verifierFor(X509CertificateHolder certificate) throws OperatorCreationException {
        ByteBuffer id;
        try {
            id = ByteBuffer.wrap(certificate.getEncoded());
        } catch (IOException e) {
            throw new OperatorCreationException("the certificate cannot be encoded", e);
        }
        SignerInformationVerifier cached = VERIFIERS.get(id);
        if (cached != null) {
            return cached;
        }
        ASN1ObjectIdentifier keyAlgorithm = certificate.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm();
        BcContentVerifierProviderBuilder builder;
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(keyAlgorithm)) {
            builder = new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder());
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(keyAlgorithm)) {
            builder = new BcRSAContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder());
        } else {
            try {
                return new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER).build(certificate);
            } catch (java.security.cert.CertificateException e) {
                throw new OperatorCreationException("the certificate's key cannot be read", e);
            }
        }
        ContentVerifierProvider byKey;
        try {
            byKey = builder.build(PublicKeyFactory.createKey(certificate.getSubjectPublicKeyInfo()));
        } catch (IOException | RuntimeException e) {
            throw new OperatorCreationException("the certificate's key cannot be read", e);
        }
        ContentVerifierProvider withCertificate = new ContentVerifierProvider() {
            @Override
            public boolean hasAssociatedCertificate() {
                return true; // so that CMS checks the certificate's validity at the signing time
            }

            @Override
            public X509CertificateHolder getAssociatedCertificate() {
                return certificate;
            }

            @Override
            public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
                return byKey.get(algorithm);
            }
        };
        SignerInformationVerifier made = new SignerInformationVerifier(new DefaultCMSSignatureAlgorithmNameGenerator(),
                new DefaultSignatureAlgorithmIdentifierFinder(), withCertificate, new BcDigestCalculatorProvider());
        if (VERIFIERS.size() >= MAX_CACHED_VERIFIERS) {
            VERIFIERS.clear();
        }
        VERIFIERS.put(id, made);
        return made;
    }

    /** DER SignedData over {@code content} signed by {@code key}, whose certificate is {@code chain.get(0)}. */
    public static byte[] sign(byte[] content, SigningKey key, List<X509Certificate> chain, Instant signingTime)
            throws GeneralSecurityException {
        return sign(content, key, chain, signingTime, null);
    }

    /**
     * As {@link #sign(byte[], SigningKey, List, Instant)}, with the audit chain's {@code anchor} (null: none)
     * as one more signed attribute ({@link AuditAnchor#ATTRIBUTE_OID}).
     */
    public static byte[] sign(byte[] content, SigningKey key, List<X509Certificate> chain, Instant signingTime, AuditAnchor anchor)
            throws GeneralSecurityException {
        try {
            AttributeTable time = new AttributeTable(new Attribute(CMSAttributes.signingTime,
                    new DERSet(new Time(Date.from(signingTime)))));
            if (anchor != null) {
                time = time.add(ANCHOR, new DERSequence(new ASN1Encodable[] {
                    new ASN1Integer(anchor.seq()), new DEROctetString(HexFormat.of().parseHex(anchor.hash()))}));
            }
            time = time.add(PKCSObjectIdentifiers.id_aa_signingCertificateV2, signingCertificateV2(chain.get(0)));
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            // The default generator adds content-type, message-digest and CMS algorithm protection.
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(BouncyCastle.PROVIDER).build())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(time))
                    .build(key.contentSigner(), chain.get(0)));
            generator.addCertificates(new JcaCertStore(chain));
            CMSSignedData signed = generator.generate(new CMSProcessableByteArray(content), true);
            return signed.getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | CMSException | IOException e) {
            throw new GeneralSecurityException("CMS signing failed", e);
        }
    }

    /**
     * ESS signing-certificate-v2 (RFC 5035) naming {@code certificate} by its SHA-256 hash and issuer and serial: the
     * signed attribute that binds the signature to its certificate, which ETSI CAdES baseline signatures (B-B) require.
     */
    static SigningCertificateV2 signingCertificateV2(X509Certificate certificate) throws GeneralSecurityException {
        try {
            X509CertificateHolder holder = new X509CertificateHolder(certificate.getEncoded());
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            // SHA-256 is the attribute's default hash algorithm, so it is left out of the encoding (RFC 5035).
            return new SigningCertificateV2(new ESSCertIDv2[] {new ESSCertIDv2(hash,
                    new IssuerSerial(new GeneralNames(new GeneralName(holder.getIssuer())), holder.getSerialNumber()))});
        } catch (IOException e) {
            throw new GeneralSecurityException("the signer's certificate cannot be encoded", e);
        }
    }

    /**
     * The audit anchor signed into {@code cms}'s one signer info, if any. Call it on signed data that
     * {@link #verify} accepted: it does not check the signature itself.
     *
     * @throws VerificationException when the attribute is there but malformed
     */
    public static java.util.Optional<AuditAnchor> anchorOf(byte[] cms) throws VerificationException {
        try {
            CMSSignedData signed = new CMSSignedData(cms);
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new VerificationException(Reason.SIGNER_COUNT, "expected exactly one signer, found " + signers.size());
            }
            AttributeTable attributes = signers.iterator().next().getSignedAttributes();
            Attribute a = attributes == null ? null : attributes.get(ANCHOR);
            if (a == null) {
                return java.util.Optional.empty();
            }
            if (a.getAttrValues().size() != 1) {
                throw new VerificationException(Reason.MALFORMED, "the audit anchor attribute must have one value");
            }
            ASN1Sequence value = ASN1Sequence.getInstance(a.getAttrValues().getObjectAt(0));
            if (value.size() != 2) {
                throw new VerificationException(Reason.MALFORMED, "the audit anchor is not (seq, hash)");
            }
            long seq = ASN1Integer.getInstance(value.getObjectAt(0)).longValueExact();
            byte[] hash = ASN1OctetString.getInstance(value.getObjectAt(1)).getOctets();
            if (hash.length != 32) {
                throw new VerificationException(Reason.MALFORMED, "the audit anchor's hash is not 32 bytes");
            }
            return java.util.Optional.of(new AuditAnchor(seq, HexFormat.of().formatHex(hash)));
        } catch (CMSException | RuntimeException e) {
            throw new VerificationException(Reason.MALFORMED, "the audit anchor cannot be read");
        }
    }

    /**
     * The encapsulated content of {@code cms} when it is one SignedData, signed by exactly one signer
     * that is {@code trusted}, with a signature that verifies under {@code trusted}'s public key.
     * Certificates carried inside the CMS are ignored: only {@code trusted} is believed.
     */
    public static byte[] verify(byte[] cms, X509Certificate trusted) throws VerificationException {
        if (cms == null || cms.length == 0) {
            throw new VerificationException(Reason.MALFORMED, "no signed data");
        }
        if (cms.length > MAX_CMS_BYTES) {
            throw new VerificationException(Reason.TOO_LARGE, "signed data exceeds " + MAX_CMS_BYTES + " bytes");
        }
        CMSSignedData signed;
        try (ASN1InputStream in = new ASN1InputStream(cms)) {
            ASN1Primitive object = in.readObject();
            if (object == null || in.readObject() != null) {
                throw new VerificationException(Reason.MALFORMED, "signed data is not exactly one ASN.1 structure");
            }
            ContentInfo info = ContentInfo.getInstance(object);
            if (!CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                throw new VerificationException(Reason.MALFORMED, "not CMS SignedData");
            }
            signed = new CMSSignedData(info);
        } catch (IOException | CMSException | RuntimeException e) {
            throw new VerificationException(Reason.MALFORMED, "not CMS SignedData");
        }
        if (signed.getSignedContent() == null || !(signed.getSignedContent().getContent() instanceof byte[] content)) {
            throw new VerificationException(Reason.MALFORMED, "the content is not encapsulated");
        }
        if (!CMSObjectIdentifiers.data.equals(signed.getSignedContentType())) {
            throw new VerificationException(Reason.MALFORMED, "the content type is not id-data");
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new VerificationException(Reason.SIGNER_COUNT, "expected exactly one signer, found " + signers.size());
        }
        SignerInformation signer = signers.iterator().next();
        if (signer.getSignedAttributes() == null) {
            throw new VerificationException(Reason.MALFORMED, "the signature has no signed attributes");
        }
        if (!ACCEPTED_DIGESTS.contains(signer.getDigestAlgorithmID().getAlgorithm())) {
            throw new VerificationException(Reason.WEAK_ALGORITHM, "the digest algorithm is not SHA-256, SHA-384 or SHA-512");
        }
        X509CertificateHolder holder;
        try {
            holder = new X509CertificateHolder(trusted.getEncoded());
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalArgumentException("the trusted certificate cannot be encoded", e);
        }
        if (!signer.getSID().match(holder)) {
            throw new VerificationException(Reason.WRONG_SIGNER, "not signed by the trusted certificate");
        }
        try {
            boolean ok = signer.verify(verifierFor(holder));
            if (!ok) {
                throw new VerificationException(Reason.BAD_SIGNATURE, "the signature does not verify");
            }
        } catch (CMSSignerDigestMismatchException e) {
            throw new VerificationException(Reason.BAD_SIGNATURE, "the content does not match its message digest");
        } catch (CMSVerifierCertificateNotValidException e) {
            throw new VerificationException(Reason.BAD_SIGNATURE, "the certificate was not valid at the signing time");
        } catch (OperatorCreationException | CMSException | RuntimeException e) {
            throw new VerificationException(Reason.BAD_SIGNATURE, "the signature does not verify");
        }
        return content.clone();
    }
}
