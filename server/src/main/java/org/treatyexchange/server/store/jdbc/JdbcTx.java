package org.treatyexchange.server.store.jdbc;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.store.AuditRecords;
import org.treatyexchange.server.store.DocumentKeyRecords;
import org.treatyexchange.server.store.FilingRecords;
import org.treatyexchange.server.store.InboxRecords;
import org.treatyexchange.server.store.InstructionRecords;
import org.treatyexchange.server.store.RegistryRecords;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.store.AttachmentRecords;
import org.treatyexchange.server.store.NotificationRecords;
import org.treatyexchange.server.store.RefusalNoticeRecords;
import org.treatyexchange.server.store.ReceiptTimestampRecords;
import org.treatyexchange.server.store.MessageRecords;
import org.treatyexchange.server.store.PortalRecords;
import org.treatyexchange.server.store.RoutingRecords;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.SubmissionRecords;
import org.treatyexchange.server.store.Tx;

/** One transaction's view; unusable once the transaction ended so a leaked Tx fails loudly. */
final class JdbcTx implements Tx {
    private static final Logger log = LoggerFactory.getLogger(JdbcTx.class);

    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<Step> beforeCommit = new ArrayList<>();
    private boolean active = true;
    private JdbcFilingRecords filings;
    private JdbcAuditRecords audit;
    private JdbcDocumentKeyRecords documentKeys;
    private JdbcMessageRecords messages;
    private JdbcInboxRecords inbox;
    private JdbcRoutingRecords routing;
    private JdbcManifestRecords manifests;
    private JdbcInstructionRecords instructions;
    private JdbcRegistryRecords registry;
    private JdbcSubmissionRecords submissions;
    private JdbcPortalRecords portal;
    private JdbcDelegationRecords delegation;
    private JdbcRefusalNoticeRecords refusalNotices;
    private JdbcReceiptTimestampRecords receiptTimestamps;
    private JdbcAttachmentRecords attachments;
    private JdbcNotificationRecords notifications;

    private final HeldHead heldHead;

    JdbcTx(Connection connection) {
        this(connection, new HeldHead());
    }

    /** A view in a database transaction shared with others (a group-commit batch): they share its audit head. */
    JdbcTx(Connection connection, HeldHead heldHead) {
        this.connection = connection;
        this.heldHead = heldHead;
    }

    HeldHead heldHead() {
        return heldHead;
    }

    Connection connection() {
        if (!active) {
            throw new IllegalStateException("the transaction has ended");
        }
        return connection;
    }

    @Override
    public FilingRecords filings() {
        connection();
        if (filings == null) {
            filings = new JdbcFilingRecords(this);
        }
        return filings;
    }

    @Override
    public AuditRecords audit() {
        connection();
        if (audit == null) {
            audit = new JdbcAuditRecords(this);
        }
        return audit;
    }

    @Override
    public DocumentKeyRecords documentKeys() {
        connection();
        if (documentKeys == null) {
            documentKeys = new JdbcDocumentKeyRecords(this);
        }
        return documentKeys;
    }

    @Override
    public MessageRecords messages() {
        connection();
        if (messages == null) {
            messages = new JdbcMessageRecords(this);
        }
        return messages;
    }

    @Override
    public InboxRecords inbox() {
        connection();
        if (inbox == null) {
            inbox = new JdbcInboxRecords(this);
        }
        return inbox;
    }

    @Override
    public RoutingRecords routing() {
        connection();
        if (routing == null) {
            routing = new JdbcRoutingRecords(this);
        }
        return routing;
    }

    @Override
    public ManifestRecords manifests() {
        connection();
        if (manifests == null) {
            manifests = new JdbcManifestRecords(this);
        }
        return manifests;
    }

    @Override
    public InstructionRecords instructions() {
        connection();
        if (instructions == null) {
            instructions = new JdbcInstructionRecords(this);
        }
        return instructions;
    }

    @Override
    public RegistryRecords registry() {
        connection();
        if (registry == null) {
            registry = new JdbcRegistryRecords(this);
        }
        return registry;
    }

    @Override
    public SubmissionRecords submissions() {
        connection();
        if (submissions == null) {
            submissions = new JdbcSubmissionRecords(this);
        }
        return submissions;
    }

    @Override
    public PortalRecords portal() {
        connection();
        if (portal == null) {
            portal = new JdbcPortalRecords(this);
        }
        return portal;
    }

    @Override
    public org.treatyexchange.server.store.DelegationRecords delegation() {
        connection();
        if (delegation == null) {
            delegation = new JdbcDelegationRecords(this);
        }
        return delegation;
    }

    @Override
    public ReceiptTimestampRecords receiptTimestamps() {
        connection();
        if (receiptTimestamps == null) {
            receiptTimestamps = new JdbcReceiptTimestampRecords(this);
        }
        return receiptTimestamps;
    }

    @Override
    public RefusalNoticeRecords refusalNotices() {
        connection();
        if (refusalNotices == null) {
            refusalNotices = new JdbcRefusalNoticeRecords(this);
        }
        return refusalNotices;
    }

    @Override
    public AttachmentRecords attachments() {
        connection();
        if (attachments == null) {
            attachments = new JdbcAttachmentRecords(this);
        }
        return attachments;
    }

    @Override
    public NotificationRecords notifications() {
        connection();
        if (notifications == null) {
            notifications = new JdbcNotificationRecords(this);
        }
        return notifications;
    }

    @Override
    public void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        connection();
        afterCommit.add(action);
    }

    @Override
    public void beforeCommit(Step step) {
        Objects.requireNonNull(step, "step");
        connection();
        beforeCommit.add(step);
    }

    /** Called once the work returned, before the commit; by index, since a step may add steps. */
    void runBeforeCommit() throws StoreException {
        for (int i = 0; i < beforeCommit.size(); i++) {
            beforeCommit.get(i).run();
        }
    }

    /** Called when the work returned or threw: no further statements through this Tx. */
    void end() {
        active = false;
    }

    /** Called only after a successful commit. */
    void runAfterCommit() {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // The commit stands; an announcement that failed must not pretend it did not happen.
                log.warn("an after-commit action failed", e);
            }
        }
    }
}
