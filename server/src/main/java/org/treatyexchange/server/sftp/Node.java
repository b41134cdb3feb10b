package org.treatyexchange.server.sftp;

import java.time.Instant;
import org.treatyexchange.server.application.Filing;

/** What a path in the virtual tree names. */
sealed interface Node {

    /** Last-modified time shown to clients. */
    Instant modified();

    /** A folder; {@code dropTarget} when the account may create new files in it. */
    record Folder(Instant modified, boolean dropTarget) implements Node {
    }

    /** A filed document, read decrypted. */
    record Document(Filing filing) implements Node {
        @Override
        public Instant modified() {
            return filing.receivedAt();
        }
    }

    /** An entry of the State's inbound queue: a server-signed item (CMS DER), fetched when opened. */
    record InboxFile(long seq, Instant modified, long size) implements Node {
    }

    /** A document attached to a secretariat message in the State's queue, read decrypted. */
    record MessageAttachment(long seq, int index, Instant modified, long size) implements Node {
    }

    /** A small document the server writes on the fly (e.g. a pending filing's description). */
    record Generated(byte[] content, Instant modified) implements Node {
    }

    /** A file this session wrote that the tree shows nowhere (yet): its size, for the client's stat; never readable. */
    record JustWritten(long size, Instant modified) implements Node {
    }

    /** A filing's signed receipt (CMS DER). */
    record ReceiptFile(Filing filing, byte[] signedReceipt) implements Node {
        @Override
        public Instant modified() {
            return filing.receivedAt();
        }
    }
}
