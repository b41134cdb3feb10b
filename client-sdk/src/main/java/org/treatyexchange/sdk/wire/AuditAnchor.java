package org.treatyexchange.sdk.wire;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A position in the server's audit chain: the seq of one event and the hash the chain has there. A
 * receipt carries the anchor of the event that recorded it (the chain's head at that commit), as a
 * signed attribute of its CMS signature ({@link #ATTRIBUTE_OID}), so that every State holds signed
 * points of the log: an export of the log that lacks the event, or has another hash there, was cut or
 * rewritten. Readers that do not know the attribute ignore it; the receipt's JSON is unchanged.
 *
 * <p>Attribute value (DER): {@code AuditAnchor ::= SEQUENCE { seq INTEGER, hash OCTET STRING (SIZE(32)) }}.
 *
 * @param seq  the event's position, 1, 2, 3 …
 * @param hash lower-case hex SHA-256 of the chain at that event
 */
public record AuditAnchor(long seq, String hash) {

    /**
     * The signed attribute's type: an OID under {@code 2.25} (ITU-T X.667, derived from a UUID, so it
     * needs no registration).
     */
    public static final String ATTRIBUTE_OID = "2.25.317864875231245371006986067075872992660";

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** @throws IllegalArgumentException for a seq below 1 or a hash that is not 64 lower-case hex digits */
    public AuditAnchor {
        Objects.requireNonNull(hash, "hash");
        if (seq < 1) {
            throw new IllegalArgumentException("an anchor's seq starts at 1");
        }
        if (!HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException("an anchor's hash is 64 lower-case hex digits");
        }
    }

    @Override
    public String toString() {
        return "event " + seq + " (" + hash + ")";
    }
}
