package org.treatyexchange.server.application;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * What the edges write to the audit log themselves: logins, logouts and refusals that happen before a
 * use case is reached (a bad route, a rate limit, an unknown certificate). Use cases audit their own acts.
 */
public final class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final AuditLog audit;
    private final Store store;

    public AuditTrail(AuditLog audit, Store store) {
        this.audit = audit;
        this.store = store;
    }

    /** Records the event durably; an act that depends on it fails when this does. */
    public void record(AuditEvent event) throws Refusal {
        try {
            audit.record(store, event);
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log is unavailable; nothing was done", e);
        }
    }

    /** Appends the event inside the transaction of the act it records. */
    void append(org.treatyexchange.server.store.Tx tx, AuditEvent event) throws StoreException {
        audit.append(tx, event);
    }

    /** For events whose act does not depend on them (refusals): a failure is logged, nothing more. */
    public void recordQuietly(AuditEvent event) {
        try {
            audit.record(store, event);
        } catch (StoreException e) {
            LOG.error("audit event {} could not be written: {}", event.type(), e.getMessage());
        }
    }
}
