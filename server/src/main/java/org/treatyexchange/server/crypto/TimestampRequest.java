package org.treatyexchange.server.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.treatyexchange.sdk.ReceiptTimestamp;
import org.treatyexchange.sdk.VerificationException;
import org.treatyexchange.sdk.internal.CmsTimestamps;

/**
 * An RFC 3161 request for the timestamp of one receipt's signature, and what its answer becomes: the receipt with
 * the token as the CAdES signature-time-stamp (unsigned attribute {@code id-aa-signatureTimeStampToken}). The
 * request carries the SHA-256 of the receipt's signature value, a random 64-bit nonce and {@code certReq} (so the
 * token carries the authority's certificate, as verifiers offline need). An answer is believed only when it
 * grants this very request (imprint, nonce) and its token verifies under one of the configured authority
 * certificates (or their CAs), by the same code the SDK's {@code verify-receipt} uses.
 */
public final class TimestampRequest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] receipt;
    private final TimeStampRequest request;

    private TimestampRequest(byte[] receipt, TimeStampRequest request) {
        this.receipt = receipt;
        this.request = request;
    }

    /** The request for {@code receipt}'s signature (CMS SignedData, DER, one signer). */
    public static TimestampRequest forReceipt(byte[] receipt) throws SignatureCheckException {
        Objects.requireNonNull(receipt, "receipt");
        byte[] imprint;
        try {
            imprint = MessageDigest.getInstance("SHA-256").digest(CmsTimestamps.signatureValue(receipt));
        } catch (VerificationException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this runtime", e);
        }
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        return new TimestampRequest(receipt.clone(),
                generator.generate(NISTObjectIdentifiers.id_sha256, imprint, new BigInteger(64, RANDOM)));
    }

    /**
     * Loads what a first request needs (Bouncy Castle's TSP classes), so that the first filing after a start does not
     * spend its short wait on class loading.
     */
    public static void warmUp() {
        new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, new byte[32], BigInteger.ONE);
    }

    /** DER {@code TimeStampReq}, the body of an {@code application/timestamp-query} POST. */
    public byte[] encoded() {
        try {
            return request.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("a timestamp request cannot be encoded", e);
        }
    }

    /** A granted answer, checked; the receipt with its token. */
    public record Stamped(byte[] receipt, ReceiptTimestamp timestamp) {
    }

    /**
     * The receipt with the token of {@code response} (DER {@code TimeStampResp}) attached, once the response
     * grants this request and the token verifies under {@code trusted}.
     *
     * @throws SignatureCheckException naming what is wrong with the answer
     */
    public Stamped attach(byte[] response, List<X509Certificate> trusted) throws SignatureCheckException {
        TimeStampResponse answer;
        try {
            answer = new TimeStampResponse(response);
            answer.validate(request); // granted, a token, this imprint, this nonce, the certificate asked for
        } catch (TSPException | IOException | RuntimeException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED,
                    "the time-stamping authority's answer does not grant this request: " + e.getMessage());
        }
        try {
            byte[] stamped = CmsTimestamps.withToken(receipt, answer.getTimeStampToken().getEncoded());
            return new Stamped(stamped, CmsTimestamps.verify(stamped, trusted));
        } catch (VerificationException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.UNTRUSTED_SIGNER, e.getMessage());
        } catch (IOException e) {
            throw new SignatureCheckException(SignatureCheckException.Reason.MALFORMED, "the timestamp token cannot be encoded");
        }
    }

    /**
     * {@code receipt} saying (unsigned attribute {@link ReceiptTimestamp#PENDING_ATTRIBUTE_OID}) that its timestamp was
     * asked for at {@code since} and is not there yet; the signature is unchanged.
     */
    public static byte[] markPending(byte[] receipt, Instant since) {
        try {
            return CmsTimestamps.withPending(receipt, since);
        } catch (VerificationException e) {
            throw new IllegalArgumentException("not a receipt: " + e.getMessage(), e);
        }
    }
}
