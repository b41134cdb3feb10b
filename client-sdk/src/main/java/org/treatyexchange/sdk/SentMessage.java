package org.treatyexchange.sdk;

import org.treatyexchange.sdk.wire.MessageReceipt;

/**
 * A message the exchange accepted: its verified receipt and the signed bytes to keep as proof
 * ({@code openssl cms -verify -inform DER} checks them).
 *
 * @param receipt       the verified receipt
 * @param signedReceipt the CMS SignedData (DER) the exchange signed
 */
public record SentMessage(MessageReceipt receipt, byte[] signedReceipt) {
    /** Copies the signed bytes. */
    public SentMessage {
        signedReceipt = signedReceipt.clone();
    }

    /** A copy of the signed bytes. */
    @Override
    public byte[] signedReceipt() {
        return signedReceipt.clone();
    }
}
