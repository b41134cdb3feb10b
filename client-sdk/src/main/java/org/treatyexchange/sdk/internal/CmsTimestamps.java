package org.treatyexchange.sdk.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.treatyexchange.sdk.ReceiptTimestamp;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.VerificationException.Reason;

/**
 * The RFC 3161 timestamp of a CMS signature as CAdES places it: the token (a TimeStampToken, itself CMS
 * SignedData) is the value of the unsigned attribute {@code id-aa-signatureTimeStampToken} of the one signer
 * info, over the hash of that signer's signature value. Read, attached and verified here, in one place, for the
 * exchange (which attaches) and for the SDK (which verifies).
 */
public final class CmsTimestamps {

    /** {@code id-aa-signatureTimeStampToken} (RFC 3161 appendix A, CAdES signature-time-stamp). */
    public static final ASN1ObjectIdentifier TOKEN = PKCSObjectIdentifiers.id_aa_signatureTimeStampToken;
    /** The "timestamp requested, not yet there" hint ({@link ReceiptTimestamp#PENDING_ATTRIBUTE_OID}). */
    public static final ASN1ObjectIdentifier PENDING = new ASN1ObjectIdentifier(ReceiptTimestamp.PENDING_ATTRIBUTE_OID);

    private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            NISTObjectIdentifiers.id_sha256, "SHA-256", NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    private CmsTimestamps() {
    }

    /** The signature value of {@code cms}'s one signer: what a signature timestamp covers (hashed). */
    public static byte[] signatureValue(byte[] cms) throws VerificationException {
        return signer(parse(cms)).getSignature();
    }

    /**
     * The hash of {@code cms}'s signature value under the algorithm its timestamp token uses (SHA-256 when it has
     * none), hex: what {@code openssl ts -verify -digest} is given to check the token against this signature.
     */
    public static String signatureDigestHex(byte[] cms) throws VerificationException {
        String hash = "SHA-256";
        Optional<byte[]> token = token(cms);
        if (token.isPresent()) {
            try {
                hash = DIGESTS.get(new TimeStampToken(ContentInfo.getInstance(token.get())).getTimeStampInfo().getMessageImprintAlgOID());
            } catch (TSPException | IOException | RuntimeException e) {
                throw new VerificationException(Reason.TIMESTAMP, "the timestamp token cannot be read");
            }
            if (hash == null) {
                throw new VerificationException(Reason.WEAK_ALGORITHM, "the timestamp's hash is not SHA-256, SHA-384 or SHA-512");
            }
        }
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance(hash).digest(signatureValue(cms)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash + " is missing from this runtime", e);
        }
    }

    /** The DER timestamp token (a {@code .tsr} token, {@code openssl ts -token_in}) in {@code cms}, if any. */
    public static Optional<byte[]> token(byte[] cms) throws VerificationException {
        Attribute a = unsigned(signer(parse(cms)), TOKEN);
        if (a == null) {
            return Optional.empty();
        }
        if (a.getAttrValues().size() != 1) {
            throw new VerificationException(Reason.TIMESTAMP, "the receipt carries more than one timestamp token in one attribute");
        }
        try {
            return Optional.of(ContentInfo.getInstance(a.getAttrValues().getObjectAt(0)).getEncoded(ASN1Encoding.DER));
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(Reason.TIMESTAMP, "the timestamp token cannot be read");
        }
    }

    /** When the exchange first asked for the timestamp of a receipt that does not carry one yet; empty otherwise. */
    public static Optional<Instant> pendingSince(byte[] cms) throws VerificationException {
        Attribute a = unsigned(signer(parse(cms)), PENDING);
        if (a == null || a.getAttrValues().size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(ASN1GeneralizedTime.getInstance(a.getAttrValues().getObjectAt(0)).getDate().toInstant());
        } catch (java.text.ParseException | RuntimeException e) {
            return Optional.empty(); // an unsigned hint: unreadable means absent
        }
    }

    /** {@code cms} with {@code token} (DER TimeStampToken) as its only unsigned attribute; the signature is unchanged. */
    public static byte[] withToken(byte[] cms, byte[] token) throws VerificationException {
        try {
            return withOnlyUnsigned(cms, new Attribute(TOKEN, new DERSet(ContentInfo.getInstance(token))));
        } catch (RuntimeException e) {
            throw new VerificationException(Reason.TIMESTAMP, "the timestamp token cannot be read");
        }
    }

    /** {@code cms} saying, in an unsigned attribute, that its timestamp was asked for at {@code since} and is not there yet. */
    public static byte[] withPending(byte[] cms, Instant since) throws VerificationException {
        return withOnlyUnsigned(cms, new Attribute(PENDING, new DERSet(new ASN1GeneralizedTime(Date.from(since)))));
    }

    private static byte[] withOnlyUnsigned(byte[] cms, Attribute attribute) throws VerificationException {
        CMSSignedData signed = parse(cms);
        SignerInformation signer = signer(signed);
        SignerInformation replaced = SignerInformation.replaceUnsignedAttributes(signer, new AttributeTable(attribute));
        try {
            return CMSSignedData.replaceSigners(signed, new SignerInformationStore(replaced)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new VerificationException(Reason.MALFORMED, "the signed data cannot be encoded again");
        }
    }

    /**
     * Verifies the timestamp of {@code cms} (whose own signature the caller checks): exactly one token; its message
     * imprint is the SHA-256/384/512 of this signer's signature value; it is signed by the certificate it carries,
     * which has the critical timeStamping extended key usage, was valid at the token's time, and is one of
     * {@code trusted} or chains to one of them (intermediates from the token; no revocation check).
     *
     * @throws VerificationException {@link Reason#TIMESTAMP} with what is wrong
     */
    public static ReceiptTimestamp verify(byte[] cms, Collection<X509Certificate> trusted) throws VerificationException {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("no trusted time-stamping authority certificate given");
        }
        SignerInformation signer = signer(parse(cms));
        Attribute a = unsigned(signer, TOKEN);
        if (a == null) {
            throw new VerificationException(Reason.TIMESTAMP, pendingSince(cms).isPresent()
                    ? "the receipt has no timestamp yet (asked for at " + pendingSince(cms).get() + "; fetch the receipt again later)"
                    : "the receipt has no timestamp");
        }
        TimeStampToken token;
        try {
            if (a.getAttrValues().size() != 1) {
                throw new VerificationException(Reason.TIMESTAMP, "expected one timestamp token");
            }
            token = new TimeStampToken(ContentInfo.getInstance(a.getAttrValues().getObjectAt(0)));
        } catch (TSPException | IOException | IllegalArgumentException | IllegalStateException e) {
            throw new VerificationException(Reason.TIMESTAMP, "the timestamp token cannot be read");
        }
        ASN1ObjectIdentifier hashOid = token.getTimeStampInfo().getMessageImprintAlgOID();
        String hash = DIGESTS.get(hashOid);
        if (hash == null) {
            throw new VerificationException(Reason.WEAK_ALGORITHM, "the timestamp's hash is not SHA-256, SHA-384 or SHA-512");
        }
        byte[] expected;
        try {
            expected = MessageDigest.getInstance(hash).digest(signer.getSignature());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash + " is missing from this runtime", e);
        }
        if (!MessageDigest.isEqual(expected, token.getTimeStampInfo().getMessageImprintDigest())) {
            throw new VerificationException(Reason.TIMESTAMP, "the timestamp is for another signature");
        }
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matching = token.getCertificates().getMatches(token.getSID());
        if (matching.size() != 1) {
            throw new VerificationException(Reason.TIMESTAMP, "the timestamp token does not carry its authority's certificate");
        }
        X509CertificateHolder tsaHolder = matching.iterator().next();
        try {
            // the token's signature, its ESS signing-certificate attribute, the critical timeStamping EKU, validity at genTime
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER).build(tsaHolder));
        } catch (TSPException | OperatorCreationException | java.security.cert.CertificateException | RuntimeException e) {
            throw new VerificationException(Reason.TIMESTAMP, "the timestamp token does not verify: " + e.getMessage());
        }
        X509Certificate tsa = x509(tsaHolder);
        Date at = token.getTimeStampInfo().getGenTime();
        if (!trusted.contains(tsa)) {
            requireChain(tsa, token, trusted, at);
        }
        return new ReceiptTimestamp(at.toInstant(), tsa.getSubjectX500Principal().getName(),
                token.getTimeStampInfo().getSerialNumber().toString(16), token.getTimeStampInfo().getPolicy().getId(), hashOid.getId());
    }

    private static void requireChain(X509Certificate tsa, TimeStampToken token, Collection<X509Certificate> trusted, Date at)
            throws VerificationException {
        Set<TrustAnchor> anchors = new HashSet<>();
        trusted.forEach(t -> anchors.add(new TrustAnchor(t, null)));
        List<X509Certificate> carried = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> all = token.getCertificates().getMatches(null);
        for (X509CertificateHolder h : all) {
            carried.add(x509(h));
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(tsa);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(at);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(carried)));
            CertPathBuilder.getInstance("PKIX").build(params);
        } catch (GeneralSecurityException e) {
            throw new VerificationException(Reason.TIMESTAMP, "the time-stamping authority " + tsa.getSubjectX500Principal().getName()
                    + " is not trusted: its certificate does not chain to a given one");
        }
    }

    private static X509Certificate x509(X509CertificateHolder h) throws VerificationException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(h.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new VerificationException(Reason.TIMESTAMP, "a certificate in the timestamp token cannot be read");
        }
    }

    private static Attribute unsigned(SignerInformation signer, ASN1ObjectIdentifier type) {
        AttributeTable t = signer.getUnsignedAttributes();
        return t == null ? null : t.get(type);
    }

    private static CMSSignedData parse(byte[] cms) throws VerificationException {
        if (cms == null || cms.length == 0 || cms.length > Cms.MAX_CMS_BYTES) {
            throw new VerificationException(Reason.MALFORMED, "no signed data, or too large");
        }
        try {
            return new CMSSignedData(cms);
        } catch (CMSException | RuntimeException e) {
            throw new VerificationException(Reason.MALFORMED, "not CMS SignedData");
        }
    }

    private static SignerInformation signer(CMSSignedData signed) throws VerificationException {
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new VerificationException(Reason.SIGNER_COUNT, "expected exactly one signer, found " + signers.size());
        }
        return signers.iterator().next();
    }
}
