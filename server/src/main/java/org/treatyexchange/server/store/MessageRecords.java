package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Accepted signed messages, kept forever so that message ids stay unique per sender. */
public interface MessageRecords {

    /**
     * @param sender            a State's code or {@code secretariat}
     * @param messageId         the sender's id for the message
     * @param kind              {@code filing}, {@code correspondence} or {@code secretariat-message}
     * @param account           the account whose TLS client sent it
     * @param signerFingerprint SHA-256 of the signing certificate
     * @param envelopeSha256    SHA-256 of the signed envelope JSON
     * @param envelopeBlobId    the encrypted blob holding the signed envelope (CMS) as received
     * @param envelopeSize      its size
     * @param receivedAt        when it became durable
     * @param receipt           the server-signed receipt (CMS DER)
     */
    record MessageRecord(String sender, String messageId, String kind, String account, String signerFingerprint,
            String envelopeSha256, String envelopeBlobId, long envelopeSize, Instant receivedAt, byte[] receipt) {
    }

    /** Inserts; a used (sender, messageId) is {@link StoreException.Reason#DUPLICATE}. */
    void insert(MessageRecord message, List<String> filingIds) throws StoreException;

    Optional<MessageRecord> find(String sender, String messageId) throws StoreException;

    /** The filings a message's documents became. */
    List<String> filingsOf(String sender, String messageId) throws StoreException;
}
