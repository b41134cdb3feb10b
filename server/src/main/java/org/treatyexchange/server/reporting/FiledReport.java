package org.treatyexchange.server.reporting;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What reporting status needs to know of one filing.
 *
 * @param state       the filing State's code
 * @param reportType  report type id, e.g. {@code annual-report}
 * @param period      reporting period, e.g. {@code 2025}, or null when the filing named none
 * @param receivedAt  when the filing became durable
 * @param nil         the filing is a nil report (also implied by report type {@code nil-annual-report})
 * @param publicLevel the State made the filing public
 * @param status      one of {@code received, released, held, withdrawn, superseded}
 */
public record FiledReport(String state, String reportType, String period, Instant receivedAt, boolean nil,
        boolean publicLevel, String status) {

    public static final String RECEIVED = "received";
    public static final String RELEASED = "released";
    public static final String HELD = "held";
    public static final String WITHDRAWN = "withdrawn";
    public static final String SUPERSEDED = "superseded";
    static final Set<String> STATUSES = Set.of(RECEIVED, RELEASED, HELD, WITHDRAWN, SUPERSEDED);

    /** @throws IllegalArgumentException for a status outside the five known ones (fails closed) */
    public FiledReport {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of received, released, held, withdrawn, superseded");
        }
    }
}
