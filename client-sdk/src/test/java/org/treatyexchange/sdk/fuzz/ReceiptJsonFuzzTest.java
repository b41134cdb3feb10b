package org.treatyexchange.sdk.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.treatyexchange.sdk.wire.ReceiptJson;

/**
 * {@link ReceiptJson#fromBytes} on hostile bytes: a value that round-trips, or {@code WireFormatException}
 * (see {@link WireContract}). Seeds: {@code ReceiptJsonFuzzTestInputs/fromBytes/};
 * {@code bug-unpaired-surrogate.json} is Jazzer's finding (fixed: the reader is strict now).
 */
class ReceiptJsonFuzzTest {

    @FuzzTest
    @DictionaryFile(resourcePath = "wire.dict")
    void fromBytes(byte[] input) {
        WireContract.check(input, ReceiptJson::fromBytes, ReceiptJson::toBytes);
    }
}
