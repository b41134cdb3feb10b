/**
 * Reporting: what the secretariat derives from the registry and the filings, as pure logic with no
 * I/O — the national points-of-contact list ({@link org.treatyexchange.server.reporting.ContactList})
 * and who has filed the annual report for a year
 * ({@link org.treatyexchange.server.reporting.ReportingStatus}).
 *
 * <p>Every renderer is deterministic (same input, same bytes) and treats its input as untrusted text:
 * values cannot add lines to a text document, break a table's columns, or become spreadsheet formulas.
 * Who may see the output is the caller's decision: the contact list is for States Parties only.
 */
package org.treatyexchange.server.reporting;
