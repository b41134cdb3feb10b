package org.treatyexchange.sdk.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.treatyexchange.sdk.wire.MessageReceiptJson;

/**
 * {@link MessageReceiptJson#fromBytes} on hostile bytes: a value that round-trips, or {@code WireFormatException}
 * (see {@link WireContract}). Seeds: {@code MessageReceiptJsonFuzzTestInputs/fromBytes/}.
 */
class MessageReceiptJsonFuzzTest {

    @FuzzTest
    @DictionaryFile(resourcePath = "wire.dict")
    void fromBytes(byte[] input) {
        WireContract.check(input, MessageReceiptJson::fromBytes, MessageReceiptJson::toBytes);
    }
}
