package org.treatyexchange.server.routing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reporting period as written on the wire: one year {@code 2025} or a range {@code 2024-2025}.
 *
 * @param start the first year
 * @param end the last year; equal to {@code start} for a single year
 * @param range whether it was written as a range
 */
record Period(int start, int end, boolean range) {

    private static final Pattern SHAPE = Pattern.compile("([0-9]{4})(?:-([0-9]{4}))?");

    /** The period this text spells, or empty when it is not one of the two shapes. */
    static Optional<Period> parse(String text) {
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int start = Integer.parseInt(m.group(1));
        if (m.group(2) == null) {
            return Optional.of(new Period(start, start, false));
        }
        return Optional.of(new Period(start, Integer.parseInt(m.group(2)), true));
    }
}
