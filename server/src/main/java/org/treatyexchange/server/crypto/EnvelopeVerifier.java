package org.treatyexchange.server.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.operator.OperatorCreationException;
import org.treatyexchange.server.crypto.SignatureCheckException.Reason;
import org.treatyexchange.sdk.internal.Cms;

/**
 * Checks the signature of a signed envelope from a State's system: the CMS SignedData (RFC 5652)
 * that {@code openssl cms -sign -binary -nodetach -outform DER -md sha256} produces.
 *
 * <p>Accepted, and nothing else: definite-length (DER) encoding, nesting at most
 * {@value #MAX_DEPTH} deep; content type id-signedData holding encapsulated id-data content;
 * exactly one SignerInfo; the signer's certificate included (at most {@value #MAX_CERTIFICATES}
 * certificates of at most {@value #MAX_CERTIFICATE_BYTES} bytes each) and found by issuer and
 * serial or by subject key identifier; digest SHA-256, SHA-384 or SHA-512; signature ECDSA, RSA
 * PKCS#1 v1.5 or RSASSA-PSS with the same SHA-2 digest (RSA keys of at least 2048 bits); signed
 * attributes present, their message digest matching the content and the signature valid over them;
 * the signer certificate valid at the signing time, or now when there is none.
 *
 * <p>Not decided here: whether the signer is trusted. The caller looks
 * {@link VerifiedEnvelope#signerFingerprint()} up in the registry. The signing time is what the
 * signer claims; a caller that relies on it (replay windows, the validity check above) must also
 * bound it against its own clock, e.g. by {@code api.clockSkew}.
 *
 * <p>Stateless and thread-safe. CPU cost is bounded by {@code maxBytes}: sizes and structure are
 * checked before any signature arithmetic.
 */
public final class EnvelopeVerifier {

    /** Most certificates in one envelope: the signer's, and a short chain if the signer sent one. */
    public static final int MAX_CERTIFICATES = 4;
    /** Largest single certificate in an envelope, encoded. */
    public static final int MAX_CERTIFICATE_BYTES = 16 * 1024;
    /** Deepest ASN.1 nesting accepted; real envelopes need about a dozen levels. */
    public static final int MAX_DEPTH = 32;

    private static final Set<ASN1ObjectIdentifier> DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);
    /** Signature algorithms that name their own digest, mapped to it (it must equal the digest algorithm). */
    private static final Map<ASN1ObjectIdentifier, ASN1ObjectIdentifier> HASHED_SIGNATURES = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, NISTObjectIdentifiers.id_sha256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, NISTObjectIdentifiers.id_sha384,
            X9ObjectIdentifiers.ecdsa_with_SHA512, NISTObjectIdentifiers.id_sha512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, NISTObjectIdentifiers.id_sha256,
            PKCSObjectIdentifiers.sha384WithRSAEncryption, NISTObjectIdentifiers.id_sha384,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, NISTObjectIdentifiers.id_sha512);
    private static final int MIN_RSA_BITS = 2048;

    private EnvelopeVerifier() {
    }

    /** {@link #verify(byte[], int, Clock)} with the system clock. */
    public static VerifiedEnvelope verify(byte[] cms, int maxBytes) throws SignatureCheckException {
        return verify(cms, maxBytes, Clock.systemUTC());
    }

    /**
     * Verifies {@code cms} and returns its content, signer and signing time.
     *
     * @param maxBytes inputs longer than this are refused before parsing
     * @param clock "now" for the signer certificate's validity when there is no signing time
     * @throws SignatureCheckException {@link Reason#MALFORMED} for anything not of the accepted shape,
     *     {@link Reason#BAD_SIGNATURE} for refused algorithms and signatures or digests that do not
     *     verify, {@link Reason#UNTRUSTED_SIGNER} when the signer certificate is outside its validity
     *     or its key usage forbids signing
     */
    public static VerifiedEnvelope verify(byte[] cms, int maxBytes, Clock clock) throws SignatureCheckException {
        Objects.requireNonNull(clock, "clock");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (cms == null || cms.length == 0) {
            throw malformed("signed data is empty");
        }
        if (cms.length > maxBytes) {
            throw malformed("signed data is larger than " + maxBytes + " bytes");
        }
        try {
            return verifyChecked(cms, clock);
        } catch (RuntimeException e) {
            // Bouncy Castle parses parts of the structure lazily (e.g. signed attributes) and throws
            // unchecked exceptions on malformed input; whatever it is, the input is not acceptable.
            throw malformed("not CMS SignedData of the accepted shape");
        }
    }

    private static VerifiedEnvelope verifyChecked(byte[] cms, Clock clock) throws SignatureCheckException {
        checkStructure(cms);

        ContentInfo contentInfo;
        SignedData signedData;
        try {
            // Bounded by the input length; the structure was walked above, so no deep recursion.
            contentInfo = ContentInfo.getInstance(ASN1Primitive.fromByteArray(cms));
            if (!CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())) {
                throw malformed("not CMS SignedData");
            }
            signedData = SignedData.getInstance(contentInfo.getContent());
        } catch (IOException | RuntimeException e) {
            throw malformed("not CMS SignedData");
        }
        ContentInfo encapsulated = signedData.getEncapContentInfo();
        if (!CMSObjectIdentifiers.data.equals(encapsulated.getContentType())) {
            throw malformed("content type is not id-data");
        }
        if (encapsulated.getContent() == null) {
            throw malformed("content is not encapsulated (a detached signature); sign with -nodetach");
        }
        checkCertificates(signedData.getCertificates());
        if (signedData.getSignerInfos().size() != 1) {
            throw malformed("expected exactly one signer, found " + signedData.getSignerInfos().size());
        }

        CMSSignedData signed;
        byte[] content;
        SignerInformation signer;
        X509CertificateHolder holder;
        try {
            signed = new CMSSignedData(contentInfo);
            if (!(signed.getSignedContent().getContent() instanceof byte[] bytes)) {
                throw malformed("content is not an octet string");
            }
            content = bytes;
            signer = signed.getSignerInfos().getSigners().iterator().next();
            Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
            if (matches.size() != 1) {
                throw malformed(matches.isEmpty()
                        ? "the signer's certificate is not included; do not sign with -nocerts"
                        : "the signer identifier matches " + matches.size() + " certificates");
            }
            holder = matches.iterator().next();
        } catch (CMSException | RuntimeException e) {
            throw malformed("not CMS SignedData of the accepted shape");
        }
        if (signer.getSignedAttributes() == null) {
            throw malformed("signed attributes are missing");
        }
        checkAlgorithms(signer);
        Instant signingTime = signingTime(signer);

        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException | RuntimeException e) {
            throw malformed("the signer's certificate cannot be decoded");
        }
        if (certificate.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new SignatureCheckException(Reason.BAD_SIGNATURE, "RSA key of " + rsa.getModulus().bitLength()
                    + " bits is too weak; at least " + MIN_RSA_BITS + " are required");
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && !keyUsage[0] && !keyUsage[1]) {
            throw new SignatureCheckException(Reason.UNTRUSTED_SIGNER,
                    "the signer's certificate does not allow digital signatures (keyUsage)");
        }
        Instant at = signingTime != null ? signingTime : clock.instant();
        try {
            certificate.checkValidity(Date.from(at));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new SignatureCheckException(Reason.UNTRUSTED_SIGNER, "the signer's certificate was not valid at "
                    + (signingTime != null ? "the signing time " : "") + at);
        }

        try {
            // Also checks the content-type attribute and, when present, CMS algorithm protection.
            boolean ok = signer.verify(Cms.verifierFor(holder));
            if (!ok) {
                throw new SignatureCheckException(Reason.BAD_SIGNATURE, "signature does not verify");
            }
        } catch (CMSSignerDigestMismatchException e) {
            throw new SignatureCheckException(Reason.BAD_SIGNATURE, "content digest does not match");
        } catch (CMSVerifierCertificateNotValidException e) {
            throw new SignatureCheckException(Reason.UNTRUSTED_SIGNER,
                    "the signer's certificate was not valid at the signing time");
        } catch (CMSException | RuntimeException e) {
            throw new SignatureCheckException(Reason.BAD_SIGNATURE,
                    "signature does not verify: " + e.getClass().getSimpleName());
        } catch (OperatorCreationException e) {
            throw malformed("unsupported signature algorithm or key");
        }
        return new VerifiedEnvelope(content, certificate, signingTime);
    }

    /**
     * Walks the TLV structure without recursion or allocation: exactly one top-level element, only
     * definite lengths, each inside its parent, at most {@value #MAX_DEPTH} levels of nesting. Bouncy
     * Castle's parser recurses per level, so this runs first.
     */
    static void checkStructure(byte[] b) throws SignatureCheckException {
        int[] ends = new int[MAX_DEPTH + 1];
        ends[0] = b.length;
        int depth = 0;
        int pos = 0;
        boolean seenTop = false;
        while (pos < b.length) {
            while (depth > 0 && pos == ends[depth]) {
                depth--;
            }
            if (depth == 0) {
                if (seenTop) {
                    throw malformed("data follows the signed data");
                }
                seenTop = true;
            }
            int end = ends[depth];
            int tag = b[pos++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                int tagBytes = 0;
                int next;
                do {
                    if (pos >= end || ++tagBytes > 4) {
                        throw malformed("bad ASN.1 tag");
                    }
                    next = b[pos++] & 0xff;
                } while ((next & 0x80) != 0);
            }
            if (pos >= end) {
                throw malformed("truncated ASN.1");
            }
            int first = b[pos++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else if (first == 0x80) {
                throw malformed("indefinite-length (BER) encoding; send DER");
            } else {
                int count = first & 0x7f;
                if (count > 4) {
                    throw malformed("ASN.1 length too large");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    if (pos >= end) {
                        throw malformed("truncated ASN.1");
                    }
                    length = (length << 8) | (b[pos++] & 0xff);
                }
            }
            if (length > end - pos) {
                throw malformed("ASN.1 length exceeds its container");
            }
            boolean constructed = (tag & 0x20) != 0;
            if (constructed && length > 0) {
                if (depth == MAX_DEPTH) {
                    throw malformed("ASN.1 nested deeper than " + MAX_DEPTH + " levels");
                }
                ends[++depth] = pos + (int) length;
            } else {
                pos += (int) length;
            }
        }
    }

    private static void checkCertificates(ASN1Set certificates) throws SignatureCheckException {
        if (certificates == null || certificates.size() == 0) {
            throw malformed("the signer's certificate is not included; do not sign with -nocerts");
        }
        if (certificates.size() > MAX_CERTIFICATES) {
            throw malformed("more than " + MAX_CERTIFICATES + " certificates");
        }
        for (ASN1Encodable c : certificates) {
            ASN1Primitive primitive = c.toASN1Primitive();
            if (!(primitive instanceof ASN1Sequence)) {
                throw malformed("only X.509 certificates may be included");
            }
            int size;
            try {
                size = primitive.getEncoded().length;
            } catch (IOException e) {
                throw malformed("a certificate cannot be encoded");
            }
            if (size > MAX_CERTIFICATE_BYTES) {
                throw malformed("a certificate is larger than " + MAX_CERTIFICATE_BYTES + " bytes");
            }
        }
    }

    private static void checkAlgorithms(SignerInformation signer) throws SignatureCheckException {
        ASN1ObjectIdentifier digest = signer.getDigestAlgorithmID().getAlgorithm();
        if (!DIGESTS.contains(digest)) {
            throw new SignatureCheckException(Reason.BAD_SIGNATURE,
                    "digest algorithm " + digest + " is not accepted; use SHA-256, SHA-384 or SHA-512");
        }
        AlgorithmIdentifier signature = AlgorithmIdentifier.getInstance(signer.toASN1Structure().getDigestEncryptionAlgorithm());
        ASN1ObjectIdentifier oid = signature.getAlgorithm();
        ASN1ObjectIdentifier named = HASHED_SIGNATURES.get(oid);
        boolean ok;
        if (named != null) {
            ok = named.equals(digest);
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(oid) || X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            ok = true; // the digest algorithm above names the hash
        } else if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            ok = pssUses(signature, digest);
        } else {
            ok = false;
        }
        if (!ok) {
            throw new SignatureCheckException(Reason.BAD_SIGNATURE, "signature algorithm " + oid
                    + " is not accepted with digest " + digest + "; use ECDSA, RSA or RSASSA-PSS with SHA-2");
        }
    }

    private static boolean pssUses(AlgorithmIdentifier signature, ASN1ObjectIdentifier digest) {
        try {
            RSASSAPSSparams params = RSASSAPSSparams.getInstance(signature.getParameters());
            if (params == null || !digest.equals(params.getHashAlgorithm().getAlgorithm())) {
                return false;
            }
            AlgorithmIdentifier mgf = params.getMaskGenAlgorithm();
            return PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())
                    && DIGESTS.contains(AlgorithmIdentifier.getInstance(mgf.getParameters()).getAlgorithm());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Instant signingTime(SignerInformation signer) throws SignatureCheckException {
        ASN1EncodableVector attributes = signer.getSignedAttributes().getAll(CMSAttributes.signingTime);
        if (attributes.size() == 0) {
            return null;
        }
        if (attributes.size() > 1) {
            throw malformed("more than one signing-time attribute");
        }
        try {
            ASN1Set values = Attribute.getInstance(attributes.get(0)).getAttrValues();
            if (values.size() != 1) {
                throw malformed("signing-time attribute must have exactly one value");
            }
            return Time.getInstance(values.getObjectAt(0)).getDate().toInstant();
        } catch (RuntimeException e) {
            throw malformed("signing-time attribute cannot be read");
        }
    }

    private static SignatureCheckException malformed(String message) {
        return new SignatureCheckException(Reason.MALFORMED, message);
    }
}
