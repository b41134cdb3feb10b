package org.treatyexchange.sdk.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.treatyexchange.sdk.wire.EnvelopeJson;

/**
 * {@link EnvelopeJson#fromBytes} on hostile bytes: a value that round-trips, or {@code WireFormatException}
 * (see {@link WireContract}). Seeds: {@code EnvelopeJsonFuzzTestInputs/fromBytes/}.
 */
class EnvelopeJsonFuzzTest {

    @FuzzTest
    @DictionaryFile(resourcePath = "wire.dict")
    void fromBytes(byte[] input) {
        WireContract.check(input, EnvelopeJson::fromBytes, EnvelopeJson::toBytes);
    }
}
