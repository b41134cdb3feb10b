package org.treatyexchange.server.release;

import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.RoutingRecords.Plan;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Tx;

/**
 * Sees a filing's life inside the transaction that makes each step (the notification outbox writes its mails there,
 * so a mail exists exactly when its event committed). Methods default to doing nothing; one that throws rolls the
 * step back, as a failed audit write does.
 */
public interface FilingEvents {

    /** A filing was recorded (its receipt is stored in {@code tx}) and routed by {@code plan}. */
    default void received(Tx tx, FilingRecord filing, Plan plan) throws StoreException {
    }

    /** A filing was released: distributed by {@code plan}. */
    default void released(Tx tx, FilingRecord filing, Plan plan) throws StoreException {
    }

    /** A filing was held by the secretariat. */
    default void held(Tx tx, FilingRecord filing) throws StoreException {
    }
}
