package org.treatyexchange.server.routing;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Review reasons quote what a filing said. Filings are untrusted, so only values of a known safe
 * shape are quoted; anything else is described, never echoed (no control characters or markup from
 * a filer reaches a receipt, a log or the secretariat's screen).
 */
final class Says {

    private static final Pattern STATE = Pattern.compile("[A-Z]{3}");
    private static final Pattern REPORT_TYPE = Pattern.compile("[a-z0-9-]{1,40}");

    private Says() {
    }

    static boolean wellFormedState(String code) {
        return STATE.matcher(code).matches();
    }

    /** A State code as a reason may quote it. */
    static String state(String code) {
        return wellFormedState(code) ? code : "(not an ISO 3166 alpha-3 code)";
    }

    /** A report type id as a reason may quote it. */
    static String reportType(String id) {
        return REPORT_TYPE.matcher(id).matches() ? id : "(not a report type id)";
    }

    /** A named list as a reason may quote it, e.g. {@code AAA, BBB}. */
    static String states(List<String> codes) {
        if (codes.isEmpty()) {
            return "no States";
        }
        return String.join(", ", codes.stream().map(Says::state).toList());
    }
}
