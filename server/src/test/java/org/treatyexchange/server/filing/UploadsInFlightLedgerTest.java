package org.treatyexchange.server.filing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.treatyexchange.server.application.Refusal;

/** The ledger of uploads in flight on its own (UploadsInFlightTest drives it with real uploads). */
class UploadsInFlightLedgerTest {

    static void refusedForQuota(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.reason()).isEqualTo(Refusal.Reason.QUOTA_EXCEEDED);
            assertThat(r.getMessage()).contains(message);
        });
    }

    @Test
    void bytesOfUploadsInFlightShareTheQuotaUpToTheLastByte() throws Exception {
        UploadsInFlight ledger = new UploadsInFlight(100, 10);
        UploadsInFlight.Slot a = ledger.begin("acc", 40);
        UploadsInFlight.Slot b = ledger.begin("acc", 40);
        a.reserve(30);
        b.reserve(30); // 40 + 60 = the quota exactly
        refusedForQuota(() -> a.reserve(1), "would be exceeded");
        refusedForQuota(() -> ledger.begin("acc", 40), "used up by its filings and the uploads in progress");
        b.end(false); // discarded: its 30 bytes are free again
        a.reserve(30);
        // another account has its own quota
        ledger.begin("other", 0).reserve(100);
    }

    @Test
    void aRecordedUploadsBytesStayCountedAndTheNextBeginReadsTheTotalAfresh() throws Exception {
        UploadsInFlight ledger = new UploadsInFlight(100, 10);
        UploadsInFlight.Slot a = ledger.begin("acc", 0);
        UploadsInFlight.Slot b = ledger.begin("acc", 0);
        a.reserve(60);
        a.end(true); // recorded: 60 now among the account's recorded bytes
        a.end(false); // a second end changes nothing
        refusedForQuota(() -> b.reserve(41), "would be exceeded");
        b.reserve(40);
        b.end(false);
        // no upload in flight: the ledger forgets the account, and trusts the database's total again
        ledger.begin("acc", 10).reserve(90);
    }

    @Test
    void anAccountHasAtMostItsCapOfUploadsAndAnEndedOneFreesAPlace() throws Exception {
        UploadsInFlight ledger = new UploadsInFlight(1_000, 2);
        UploadsInFlight.Slot a = ledger.begin("acc", 0);
        ledger.begin("acc", 0);
        refusedForQuota(() -> ledger.begin("acc", 0), "already has 2 uploads in progress");
        ledger.begin("other", 0);
        a.end(false);
        ledger.begin("acc", 0);
        assertThatThrownBy(() -> a.reserve(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFullQuotaRefusesTheUploadAtItsStart() {
        UploadsInFlight ledger = new UploadsInFlight(100, 10);
        refusedForQuota(() -> ledger.begin("acc", 100), "the account's storage quota is used up");
    }
}
