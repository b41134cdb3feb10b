package org.treatyexchange.sdk;

import org.treatyexchange.sdk.wire.Receipt;

/**
 * What {@link ExchangeClient#submit} achieved: the exchange's receipt for the document, verified, and
 * the signed bytes to keep as proof ({@code openssl cms -verify -inform DER} checks them).
 *
 * @param receipt       the verified receipt
 * @param signedReceipt the CMS SignedData (DER) the exchange signed
 * @param alreadyFiled  true when nothing was uploaded because this very document (same name, report
 *                      type, level and SHA-256) already was the current filing: the receipt is that filing's
 * @param attempts      how many tries it took (1 without a network fault)
 */
public record FilingResult(Receipt receipt, byte[] signedReceipt, boolean alreadyFiled, int attempts) {
    /** Copies the signed bytes. */
    public FilingResult {
        signedReceipt = signedReceipt.clone();
    }

    /** A copy of the signed bytes. */
    @Override
    public byte[] signedReceipt() {
        return signedReceipt.clone();
    }
}
