package org.treatyexchange.sdk.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.treatyexchange.sdk.wire.InboxItemJson;

/**
 * {@link InboxItemJson#fromBytes} on hostile bytes: a value that round-trips, or {@code WireFormatException}
 * (see {@link WireContract}). Seeds: {@code InboxItemJsonFuzzTestInputs/fromBytes/}.
 */
class InboxItemJsonFuzzTest {

    @FuzzTest
    @DictionaryFile(resourcePath = "wire.dict")
    void fromBytes(byte[] input) {
        WireContract.check(input, InboxItemJson::fromBytes, InboxItemJson::toBytes);
    }
}
