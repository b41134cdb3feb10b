package org.treatyexchange.sdk.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.treatyexchange.sdk.wire.ManifestJson;

/**
 * {@link ManifestJson#fromBytes} on hostile bytes (a manifest arrives over SFTP from any State
 * account): a value that round-trips, or {@code WireFormatException} (see {@link WireContract}).
 * Seeds: {@code ManifestJsonFuzzTestInputs/fromBytes/}.
 */
class ManifestJsonFuzzTest {

    @FuzzTest
    @DictionaryFile(resourcePath = "wire.dict")
    void fromBytes(byte[] input) {
        WireContract.check(input, ManifestJson::fromBytes, ManifestJson::toBytes);
    }
}
