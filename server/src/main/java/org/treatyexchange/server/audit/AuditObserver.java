package org.treatyexchange.server.audit;

/**
 * Sees every audit event once it is committed (after the act itself is durable), on the thread that
 * committed it. The metrics are fed from here, so that what is counted is exactly what was audited.
 * Must be quick and must not throw; it cannot change or stop the act.
 */
public interface AuditObserver {
    /** @param seq the event's place in the chain */
    default void committed(AuditEvent event, long seq) {
    }
}
