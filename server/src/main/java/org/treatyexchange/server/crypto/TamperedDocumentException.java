package org.treatyexchange.server.crypto;

import java.io.IOException;

/**
 * A stored document (or its wrapped data key) failed authentication: it was modified, truncated,
 * extended, reordered, or opened with the wrong key. The message names what failed and where (a
 * segment index, a blob id), never a key byte or a content byte, so it is safe to log.
 */
public final class TamperedDocumentException extends IOException {

    private static final long serialVersionUID = 1L;

    public TamperedDocumentException(String message) {
        super(message);
    }
}
