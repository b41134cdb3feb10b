package org.treatyexchange.server.filing;

import java.util.HashMap;
import java.util.Map;
import org.treatyexchange.server.application.Refusal;

/**
 * What each account has in flight on this node: how many uploads, and how many bytes they have
 * written. Every byte is reserved against the account's quota before it is kept, so concurrent uploads
 * cannot together hold more than the quota (pen-test finding 1: 40 open handles held 19 times the quota
 * in temporary files). The recording transaction checks the quota again against the database, which is
 * exact across nodes; this ledger bounds what one node holds before that.
 *
 * <p>One lock for every account: each method does a few additions under it, never I/O.
 */
final class UploadsInFlight {

    private final long quota;
    private final int maxUploads;
    private final Map<String, Account> accounts = new HashMap<>();

    UploadsInFlight(long quota, int maxUploads) {
        this.quota = quota;
        this.maxUploads = maxUploads;
    }

    /** One account's uploads: bytes recorded (as last known), bytes reserved by its uploads, their number. */
    private static final class Account {
        long recorded;
        long reserved;
        int uploads;
    }

    /** One upload's share: what it has reserved so far. */
    final class Slot {
        private final String account;
        private long reserved;
        private boolean open = true;

        private Slot(String account) {
            this.account = account;
        }

        /** Reserves {@code bytes} more for this upload; refuses when the account's recorded and reserved bytes would pass the quota. */
        void reserve(long bytes) throws Refusal {
            synchronized (UploadsInFlight.this) {
                Account a = accounts.get(account);
                if (!open || a == null) {
                    throw new IllegalStateException("upload no longer in flight");
                }
                if (a.recorded + a.reserved + bytes > quota) {
                    throw new Refusal(Refusal.Reason.QUOTA_EXCEEDED, "the account's storage quota would be exceeded (its uploads in"
                            + " progress count too)");
                }
                a.reserved += bytes;
                reserved += bytes;
            }
        }

        /** Ends this upload; {@code recorded} when its bytes are now part of the account's recorded total. Idempotent. */
        void end(boolean recorded) {
            synchronized (UploadsInFlight.this) {
                if (!open) {
                    return;
                }
                open = false;
                Account a = accounts.get(account);
                a.reserved -= reserved;
                if (recorded) {
                    a.recorded += reserved;
                }
                if (--a.uploads == 0) {
                    accounts.remove(account); // the next upload reads the recorded total afresh
                }
            }
        }
    }

    /**
     * Starts an upload of {@code account}, whose recorded bytes the database said were {@code recorded}.
     * Refuses when the account already has the most uploads in flight, or no byte of quota left.
     */
    synchronized Slot begin(String account, long recorded) throws Refusal {
        Account a = accounts.computeIfAbsent(account, k -> new Account());
        // the recorded total only grows; a read older than a commit this ledger has seen is the smaller
        a.recorded = Math.max(a.recorded, recorded);
        if (a.uploads >= maxUploads) {
            if (a.uploads == 0) {
                accounts.remove(account);
            }
            throw new Refusal(Refusal.Reason.QUOTA_EXCEEDED, "the account already has " + maxUploads + " uploads in progress, the"
                    + " most it may have at once; wait for one to finish");
        }
        if (a.recorded + a.reserved >= quota) {
            if (a.uploads == 0) {
                accounts.remove(account);
            }
            throw new Refusal(Refusal.Reason.QUOTA_EXCEEDED, a.reserved == 0 ? "the account's storage quota is used up"
                    : "the account's storage quota is used up by its filings and the uploads in progress");
        }
        a.uploads++;
        return new Slot(account);
    }
}
