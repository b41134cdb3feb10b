package org.treatyexchange.server.store;

/** The record sets reachable inside one transaction. Valid only until the transaction ends. */
public interface Tx {
    FilingRecords filings();

    AuditRecords audit();

    DocumentKeyRecords documentKeys();

    MessageRecords messages();

    InboxRecords inbox();

    RoutingRecords routing();

    ManifestRecords manifests();

    InstructionRecords instructions();

    /**
     * Runs an action once this transaction has committed durably (in registration order); never
     * when it rolls back. For side effects that must not announce what did not happen, such as
     * writing the audit event's log line. An action that throws is logged and does not undo the commit.
     */
    void afterCommit(Runnable action);
}
