package org.treatyexchange.sdk;

import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.Receipt;

/**
 * A receipt of either kind, verified offline ({@link ExchangeClient#verifyReceipt}): exactly one of
 * {@code filing} (an SFTP or per-document filing receipt) and {@code message} (a signed-message receipt)
 * is set.
 *
 * @param filing  the filing receipt, or null
 * @param message the message receipt, or null
 */
public record VerifiedReceipt(Receipt filing, MessageReceipt message) {
    /** @throws IllegalArgumentException unless exactly one is set */
    public VerifiedReceipt {
        if ((filing == null) == (message == null)) {
            throw new IllegalArgumentException("exactly one of filing and message must be set");
        }
    }
}
