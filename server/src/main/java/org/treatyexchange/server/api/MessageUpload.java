package org.treatyexchange.server.api;

import java.io.ByteArrayOutputStream;
import org.treatyexchange.server.messages.ApiClient;
import org.treatyexchange.server.messages.MessageException;
import org.treatyexchange.server.messages.MessageException.Reason;
import org.treatyexchange.server.messages.MessageGateway;
import org.treatyexchange.server.messages.MessageGateway.DocumentSink;
import org.treatyexchange.server.messages.MessageGateway.MessageIntake;

/**
 * One {@code multipart/form-data} message on its way into the gateway: the first part, named
 * {@code envelope}, is buffered (at most {@code maxEnvelopeBytes}) and handed to
 * {@link MessageGateway#startMessage}; every following part is a document named by its
 * {@code filename}, streamed into the intake. Runs on the executor only, one call at a time per
 * request (the handler hands it chunks in order). Nothing is kept unless {@link #finish()} returns.
 */
final class MessageUpload implements MultipartParser.Listener, AutoCloseable {

    private final MessageGateway gateway;
    private final ApiClient client;
    private final MultipartParser parser;
    private final int maxEnvelopeBytes;
    private final int maxDocuments;
    private final long maxDocumentBytes;

    private int parts;
    private ByteArrayOutputStream envelope;
    private boolean envelopeDone;
    private MessageIntake intake;
    private DocumentSink sink;
    private long documentBytes;
    private byte[] receipt;

    MessageUpload(MessageGateway gateway, ApiClient client, String boundary, ApiSettings settings) throws MessageException {
        this.gateway = gateway;
        this.client = client;
        this.parser = new MultipartParser(boundary, 4096);
        this.maxEnvelopeBytes = settings.maxEnvelopeBytes();
        this.maxDocuments = settings.maxDocuments();
        this.maxDocumentBytes = settings.maxDocumentBytes();
    }

    /**
     * Feeds the next body bytes.
     *
     * @return the signed receipt once the answer is known before the body ends (a replay of an
     *     accepted message: the rest of the body is ignored and nothing is stored), else null
     */
    byte[] feed(byte[] b, int off, int len) throws MessageException {
        parser.feed(b, off, len, this);
        return receipt;
    }

    /** The body has ended: checks the close delimiter and completes the message; returns its receipt. */
    byte[] finish() throws MessageException {
        if (receipt != null) {
            return receipt;
        }
        parser.finish();
        if (!envelopeDone) {
            throw new MessageException(Reason.MALFORMED, "the message has no envelope part");
        }
        if (sink != null) {
            throw new MessageException(Reason.MALFORMED, "a document part did not end");
        }
        receipt = intake.complete();
        return receipt;
    }

    @Override
    public void partBegin(MultipartParser.PartHeaders headers) throws MessageException {
        parts++;
        if (parts == 1) {
            if (!"envelope".equals(headers.name())) {
                throw new MessageException(Reason.MALFORMED, "the first part must be named envelope");
            }
            envelope = new ByteArrayOutputStream(Math.min(maxEnvelopeBytes, 64 * 1024));
            return;
        }
        if (parts - 1 > maxDocuments) {
            throw new MessageException(Reason.TOO_LARGE, "more than " + maxDocuments + " documents");
        }
        if (headers.filename() == null || headers.filename().isEmpty()) {
            throw new MessageException(Reason.MALFORMED, "a document part needs a filename");
        }
        sink = intake.document(headers.filename());
        documentBytes = 0;
    }

    @Override
    public void partData(byte[] b, int off, int len) throws MessageException {
        if (!envelopeDone) {
            if (envelope.size() + (long) len > maxEnvelopeBytes) {
                throw new MessageException(Reason.TOO_LARGE, "the envelope is larger than " + maxEnvelopeBytes + " bytes");
            }
            envelope.write(b, off, len);
            return;
        }
        documentBytes += len;
        if (documentBytes > maxDocumentBytes) {
            throw new MessageException(Reason.TOO_LARGE, "a document is larger than " + maxDocumentBytes + " bytes");
        }
        sink.write(b, off, len);
    }

    @Override
    public void partEnd() throws MessageException {
        if (!envelopeDone) {
            envelopeDone = true;
            byte[] der = envelope.toByteArray();
            envelope = null;
            MessageGateway.Start start = gateway.startMessage(client, der);
            if (start instanceof MessageGateway.Start.Replay replay) {
                receipt = replay.signedReceipt();
                parser.stop();
            } else {
                intake = ((MessageGateway.Start.Expecting) start).intake();
            }
            return;
        }
        DocumentSink s = sink;
        sink = null;
        s.end();
    }

    /** Discards everything unless completed; always safe. */
    @Override
    public void close() {
        if (intake != null) {
            intake.close();
        }
    }
}
