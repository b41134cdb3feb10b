package org.treatyexchange.server.portal;

import org.treatyexchange.server.application.Filing;

/**
 * One of the State's filings as its pages list it (public for the compiled templates).
 *
 * @param filing the filing
 * @param status its status, or {@code superseded} when a newer version replaces it
 * @param reason a held or withdrawn filing's reason, else null
 */
public record FilingRow(Filing filing, String status, String reason) {
}
