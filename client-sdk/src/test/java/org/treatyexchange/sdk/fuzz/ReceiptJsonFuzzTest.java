package org.treatyexchange.sdk.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Disabled;
import org.treatyexchange.sdk.wire.ReceiptJson;

/**
 * {@link ReceiptJson#fromBytes} on hostile bytes: a value that round-trips, or {@code WireFormatException}
 * (see {@link WireContract}). Seeds: {@code ReceiptJsonFuzzTestInputs/fromBytes/};
 * {@code bug-unpaired-surrogate.json} is Jazzer's finding (see the @Disabled reason).
 */
class ReceiptJsonFuzzTest {

    @Disabled("bug: ReceiptJson.fromBytes accepts a string with an unpaired surrogate (JSON escape \\udc00 in"
            + " sha256); toBytes encodes it with String.getBytes(UTF_8), which writes '?', so the value does not"
            + " round-trip. ReceiptJson is lenient where the other wire readers are strict (no UTF-8, size, field-format"
            + " or unknown-field checks); seed bug-unpaired-surrogate.json")
    @FuzzTest
    @DictionaryFile(resourcePath = "wire.dict")
    void fromBytes(byte[] input) {
        WireContract.check(input, ReceiptJson::fromBytes, ReceiptJson::toBytes);
    }
}
