package org.treatyexchange.server.store.jdbc;

import java.sql.SQLException;
import java.util.Set;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.StoreException.Reason;

/**
 * Maps JDBC failures to {@link StoreException} reasons in one place. Messages name the operation and
 * the SQLState only: never SQL text, values or host paths (drivers put those in their own messages,
 * which stay in the cause for the operator's log).
 */
final class SqlErrors {

    /** Unique key taken (SQL standard; Derby and PostgreSQL). */
    static final String UNIQUE_VIOLATION = "23505";
    /** Foreign key refers to nothing (SQL standard; Derby and PostgreSQL). */
    static final String FOREIGN_KEY_VIOLATION = "23503";

    /**
     * Worth retrying the whole transaction: serialization failure / Derby deadlock (40001), Derby lock
     * timeout (40XL1, 40XL2), PostgreSQL deadlock (40P01) and lock timeout (55P03).
     */
    private static final Set<String> RETRYABLE = Set.of("40001", "40XL1", "40XL2", "40P01", "55P03");

    private SqlErrors() {
    }

    static boolean isRetryable(SQLException e) {
        return e.getSQLState() != null && RETRYABLE.contains(e.getSQLState());
    }

    static boolean isRetryable(StoreException e) {
        return e.getCause() instanceof SQLException sql && isRetryable(sql);
    }

    /** The connection itself is gone (class 08) or the driver gave no state: do not reuse it. */
    static boolean connectionBroken(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08");
    }

    /** @param what the operation in plain words, e.g. "insert filing" (no values from outside) */
    static StoreException map(SQLException e, String what) {
        String state = e.getSQLState();
        if (UNIQUE_VIOLATION.equals(state)) {
            return new StoreException(Reason.DUPLICATE, what + ": already exists", e);
        }
        if (isRetryable(e)) {
            return new StoreException(Reason.UNAVAILABLE, what + ": database busy (lock conflict)", e);
        }
        return new StoreException(Reason.UNAVAILABLE,
                what + ": database unavailable (SQLState " + (state == null ? "none" : state) + ")", e);
    }
}
