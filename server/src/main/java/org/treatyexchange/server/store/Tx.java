package org.treatyexchange.server.store;

/** The record sets reachable inside one transaction. Valid only until the transaction ends. */
public interface Tx {
    FilingRecords filings();

    AuditRecords audit();

    DocumentKeyRecords documentKeys();
}
