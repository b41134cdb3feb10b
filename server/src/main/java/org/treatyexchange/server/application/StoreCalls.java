package org.treatyexchange.server.application;

import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/** How a use case meets the store: a failure of the store is the refusal {@code unavailable}, nothing else. */
final class StoreCalls {

    private StoreCalls() {
    }

    /** A call into a service that reads the store. */
    @FunctionalInterface
    interface StoreCall<T> {
        T call() throws StoreException;
    }

    /** A call into a service that reads or writes the store and may refuse. */
    @FunctionalInterface
    interface RefusableStoreCall<T> {
        T call() throws Refusal, StoreException;
    }

    static <T> T read(Store store, Store.TxWork<T> work) throws Refusal {
        try {
            return store.read(work);
        } catch (StoreException e) {
            throw unavailable(e);
        }
    }

    static <T> T call(StoreCall<T> call) throws Refusal {
        try {
            return call.call();
        } catch (StoreException e) {
            throw unavailable(e);
        }
    }

    static <T> T act(RefusableStoreCall<T> call) throws Refusal {
        try {
            return call.call();
        } catch (StoreException e) {
            throw unavailable(e);
        }
    }

    static Refusal unavailable(StoreException e) {
        return new Refusal(Refusal.Reason.UNAVAILABLE, "the store is unavailable; try again later", e);
    }
}
