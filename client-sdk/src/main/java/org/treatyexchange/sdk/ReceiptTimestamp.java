package org.treatyexchange.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * A receipt's RFC 3161 timestamp, verified ({@link ReceiptVerifier#verifyTimestamp}): a time-stamping authority
 * the caller trusts signed, at {@code time}, the hash of the receipt's signature, so the receipt (and the filing it
 * names) existed then — whatever the exchange's own clock or key says. The token is the CAdES
 * signature-time-stamp ({@code id-aa-signatureTimeStampToken}, 1.2.840.113549.1.9.16.2.14), an unsigned attribute
 * of the receipt's one signer info.
 *
 * @param time          the authority's time (genTime)
 * @param authority     the subject of the authority's certificate (RFC 2253)
 * @param serialNumber  the token's serial number, hex
 * @param policy        the authority's policy OID
 * @param hashAlgorithm the OID of the hash of the signature value the token covers
 */
public record ReceiptTimestamp(Instant time, String authority, String serialNumber, String policy, String hashAlgorithm) {

    /**
     * The unsigned attribute a receipt carries while its timestamp is still being asked for (all authorities were
     * down or slow when it was issued; the exchange keeps trying in the background and then serves the receipt
     * again, with the token in place of this attribute). Its value is the GeneralizedTime of the first request. An
     * OID under {@code 2.25} (ITU-T X.667, from a UUID). Unsigned: a hint, not evidence.
     */
    public static final String PENDING_ATTRIBUTE_OID = "2.25.320809684189743390523542970660947556546";

    /** @throws NullPointerException for a missing component */
    public ReceiptTimestamp {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
    }
}
