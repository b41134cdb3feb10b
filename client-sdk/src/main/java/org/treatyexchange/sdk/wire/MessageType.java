package org.treatyexchange.sdk.wire;

import java.util.Optional;

/** What an {@link Envelope} is; decides which of its fields are required, optional or forbidden. */
public enum MessageType {
    /** A State files a report: {@code state}, {@code level}, {@code reportType} required; no body. */
    FILING("filing"),
    /** A State writes to the secretariat: {@code state} required; level defaults to {@code secretariat}. */
    CORRESPONDENCE("correspondence"),
    /** The secretariat writes to States: {@code recipients} required; no {@code state}, {@code level}, {@code reportType}. */
    SECRETARIAT_MESSAGE("secretariat-message");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    /** The name written on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name exactly; anything else is empty. */
    public static Optional<MessageType> fromWireName(String name) {
        for (MessageType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
