package org.treatyexchange.sdk.wire;

/** Bytes that do not follow one of the exchange's wire formats. The message is safe to show a client. */
public final class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether what broke the format is a document name. */
    private final boolean concernsName;

    /** @param message safe to show: names the field and the rule, never a secret */
    public WireFormatException(String message) {
        this(message, false);
    }

    WireFormatException(String message, boolean concernsName) {
        super(message);
        this.concernsName = concernsName;
    }

    /** Whether what broke the format is a document name ({@link DocumentNames}), not the structure around it. */
    public boolean concernsName() {
        return concernsName;
    }

    /** Wraps a rule's refusal, keeping whether it was about a document name. */
    static WireFormatException of(String what, IllegalArgumentException e) {
        return new WireFormatException(what + ": " + e.getMessage(), e instanceof Rules.InvalidName);
    }
}
