package org.treatyexchange.sdk.wire;

/** Bytes that do not follow one of the exchange's wire formats. The message is safe to show a client. */
public final class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
