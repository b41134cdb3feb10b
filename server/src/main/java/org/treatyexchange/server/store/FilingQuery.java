package org.treatyexchange.server.store;

/**
 * Which filings to list; a null field matches everything. Results are ordered by id (oldest first).
 *
 * @param state      ISO code or null
 * @param account    account or null
 * @param reportType report type or null
 * @param limit      at most this many (1..10000)
 */
public record FilingQuery(String state, String account, String reportType, int limit) {
    public FilingQuery {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1..10000");
        }
    }

    public static FilingQuery all() {
        return new FilingQuery(null, null, null, 10_000);
    }

    public static FilingQuery ofState(String state) {
        return new FilingQuery(state, null, null, 10_000);
    }
}
