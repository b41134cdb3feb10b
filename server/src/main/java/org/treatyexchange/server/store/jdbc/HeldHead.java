package org.treatyexchange.server.store.jdbc;

import org.treatyexchange.server.store.AuditRecords;

/**
 * The audit chain head as one database transaction holds it. A group-commit batch locks the head first
 * and then appends, for each filing, two or three events; before, every append locked the head again (a
 * no-op UPDATE) and read it again (a SELECT) although the transaction already held it and had itself
 * written what it would read. Now the head is locked once per transaction and then followed as events are
 * appended. The append stays guarded by the expected old head ({@link JdbcAuditRecords}), so a wrong head
 * here would fail loudly rather than fork the chain. Not thread-safe: one transaction, one thread.
 */
final class HeldHead {
    private boolean locked;
    private AuditRecords.Head head;

    boolean locked() {
        return locked;
    }

    void lockedNow() {
        locked = true;
    }

    /** The head as this transaction last read or moved it, or null when it must be read. */
    AuditRecords.Head known() {
        return head;
    }

    void is(AuditRecords.Head now) {
        head = now;
    }

    /** Work rolled back to its savepoint: what it appended is gone, so the head must be read again (the lock stays). */
    void forget() {
        head = null;
    }
}
