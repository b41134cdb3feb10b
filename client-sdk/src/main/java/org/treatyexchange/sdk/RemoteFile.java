package org.treatyexchange.sdk;

import java.time.Instant;

/**
 * A file the exchange lists in an SFTP folder, e.g. {@code /distributed/}: a released filing's document
 * ({@code <filing-id>--<name>}), an inbound-queue item signed by the exchange ({@code <seq>-<kind>.p7s}),
 * or the points of contact ({@code points-of-contact.txt}).
 *
 * @param name     the file's name in the folder
 * @param size     its size in bytes
 * @param modified when it was last changed
 */
public record RemoteFile(String name, long size, Instant modified) {
    /** Whether the exchange signed it (an inbound-queue item): verify it before believing it. */
    public boolean isSigned() {
        return name.endsWith(".p7s");
    }
}
