package org.treatyexchange.server.application;

import java.io.Closeable;
import java.util.List;

/** The documents of one signed message being received. Not thread-safe: one request feeds it in order. */
public interface MessageIntake extends Closeable {

    /** What {@link StateDesk#startMessage} decided for a signed envelope. */
    sealed interface Start {
        /** The same message was accepted before: here is its original signed receipt (nothing else is read or stored). */
        record Replay(byte[] signedReceipt) implements Start {
        }

        /** A new message: stream its documents into the intake, then complete it. */
        record Expecting(MessageIntake intake) implements Start {
        }
    }

    /** One document the envelope announces. */
    record ExpectedDocument(String name, long size, String sha256, String mediaType) {
    }

    /** Receives one document's bytes, in order. */
    interface DocumentSink {
        void write(byte[] b, int off, int len) throws Refusal;

        /** The document's last byte has arrived; checks its size and SHA-256. */
        void end() throws Refusal;
    }

    /** The documents the envelope announces, in envelope order (may be empty). */
    List<ExpectedDocument> expected();

    /** Starts receiving the document of this name; refuses unknown or repeated names. */
    DocumentSink document(String name) throws Refusal;

    /**
     * Checks that every announced document arrived whole with its size and SHA-256, then makes the
     * message and its documents durable in one transaction and returns the server-signed receipt.
     */
    byte[] complete() throws Refusal;

    /** Discards everything received unless completed. Always safe to call. */
    @Override
    void close();
}
