package org.treatyexchange.server.store;

import java.util.List;

/** The documents attached to secretariat messages (table {@code message_attachment}); never changed once written. */
public interface AttachmentRecords {

    /**
     * @param itemId    the secretariat message's inbox item id (the same for every recipient)
     * @param index     0, 1, … in the order attached
     * @param fileName  the document's name
     * @param mediaType its media type
     * @param size      its size in bytes
     * @param sha256    lower-case hex SHA-256 of its bytes
     * @param blobId    the encrypted blob holding it
     */
    record Attachment(String itemId, int index, String fileName, String mediaType, long size, String sha256, String blobId) {
    }

    void insert(Attachment attachment) throws StoreException;

    /** The attachments of one message, in order; empty when it has none. */
    List<Attachment> of(String itemId) throws StoreException;
}
