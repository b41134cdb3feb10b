package org.treatyexchange.sdk.wire;

/** Bytes that do not follow one of the exchange's wire formats. The message is safe to show a client. */
public final class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message safe to show: names the field and the rule, never a secret */
    public WireFormatException(String message) {
        super(message);
    }
}
