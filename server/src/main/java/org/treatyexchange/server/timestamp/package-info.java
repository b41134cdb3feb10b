/**
 * RFC 3161 timestamps on receipts (issue 21): asking the configured time-stamping authorities, outside every
 * database transaction, and keeping the timestamped receipt beside the one first issued.
 */
package org.treatyexchange.server.timestamp;
