package org.treatyexchange.sdk.wire;

import java.util.Optional;

/** What an {@link Envelope} is; decides which of its fields are required, optional or forbidden. */
public enum MessageType {
    /**
     * A State files a report: {@code state} and {@code reportType} required; no body. Without a
     * {@code level} the State's standing instruction for the report type applies, else its default.
     */
    FILING("filing"),
    /** A State writes to the secretariat: {@code state} required; level defaults to {@code secretariat}. */
    CORRESPONDENCE("correspondence"),
    /**
     * A State sets its standing confidentiality instruction for one report type: {@code state} and
     * {@code reportType} required, {@code level} the new instruction (absent: the State withdraws
     * its instruction and the report type's default applies); no period, no documents.
     */
    INSTRUCTION("instruction"),
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
