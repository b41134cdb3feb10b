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

    SubmissionRecords submissions();

    RegistryRecords registry();

    PortalRecords portal();

    DelegationRecords delegation();

    RefusalNoticeRecords refusalNotices();

    ReceiptTimestampRecords receiptTimestamps();
    AttachmentRecords attachments();
    NotificationRecords notifications();

    /**
     * Runs an action once this transaction has committed durably (in registration order); never
     * when it rolls back. For side effects that must not announce what did not happen, such as
     * writing the audit event's log line. An action that throws is logged and does not undo the commit.
     */
    void afterCommit(Runnable action);

    /**
     * Runs a step as the very last work of this transaction: after the work returned, just before the
     * commit (in registration order; a step may register further steps). For locks every writer queues
     * for, such as the audit chain head: taken last, they are held only for the commit itself, not
     * while the rest of the work waits for other rows. A step that throws rolls the transaction back.
     */
    void beforeCommit(Step step);

    /** One last step of a transaction. */
    @FunctionalInterface
    interface Step {
        void run() throws StoreException;
    }
}
