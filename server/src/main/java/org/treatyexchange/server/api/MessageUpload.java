package org.treatyexchange.server.api;

import java.io.ByteArrayOutputStream;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Refusal.Reason;
import org.treatyexchange.server.application.MessageIntake;
import org.treatyexchange.server.application.MessageIntake.DocumentSink;

/**
 * One {@code multipart/form-data} message on its way into the gateway: the first part, named
 * {@code envelope}, is buffered (at most {@code maxEnvelopeBytes}) and handed to
 * {@link ApiGateway#startMessage}; every following part is a document named by its
 * {@code filename}, streamed into the intake. Runs on the executor only, one call at a time per
 * request (the handler hands it chunks in order). Nothing is kept unless {@link #finish()} returns.
 */
final class MessageUpload implements MultipartParser.Listener, AutoCloseable {

    private final ApiGateway gateway;
    private final Caller client;
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

    MessageUpload(ApiGateway gateway, Caller client, String boundary, ApiSettings settings) throws Refusal {
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
    byte[] feed(byte[] b, int off, int len) throws Refusal {
        parser.feed(b, off, len, this);
        return receipt;
    }

    /** The body has ended: checks the close delimiter and completes the message; returns its receipt. */
    byte[] finish() throws Refusal {
        if (receipt != null) {
            return receipt;
        }
        parser.finish();
        if (!envelopeDone) {
            throw new Refusal(Reason.MALFORMED, "the message has no envelope part");
        }
        if (sink != null) {
            throw new Refusal(Reason.MALFORMED, "a document part did not end");
        }
        receipt = intake.complete();
        return receipt;
    }

    @Override
    public void partBegin(MultipartParser.PartHeaders headers) throws Refusal {
        parts++;
        if (parts == 1) {
            if (!"envelope".equals(headers.name())) {
                throw new Refusal(Reason.MALFORMED, "the first part must be named envelope");
            }
            envelope = new ByteArrayOutputStream(Math.min(maxEnvelopeBytes, 64 * 1024));
            return;
        }
        if (parts - 1 > maxDocuments) {
            throw new Refusal(Reason.TOO_LARGE, "more than " + maxDocuments + " documents");
        }
        if (headers.filename() == null || headers.filename().isEmpty()) {
            throw new Refusal(Reason.MALFORMED, "a document part needs a filename");
        }
        sink = intake.document(headers.filename());
        documentBytes = 0;
    }

    @Override
    public void partData(byte[] b, int off, int len) throws Refusal {
        if (!envelopeDone) {
            if (envelope.size() + (long) len > maxEnvelopeBytes) {
                throw new Refusal(Reason.TOO_LARGE, "the envelope is larger than " + maxEnvelopeBytes + " bytes");
            }
            envelope.write(b, off, len);
            return;
        }
        documentBytes += len;
        if (documentBytes > maxDocumentBytes) {
            throw new Refusal(Reason.TOO_LARGE, "a document is larger than " + maxDocumentBytes + " bytes");
        }
        sink.write(b, off, len);
    }

    @Override
    public void partEnd() throws Refusal {
        if (!envelopeDone) {
            envelopeDone = true;
            byte[] der = envelope.toByteArray();
            envelope = null;
            MessageIntake.Start start = gateway.startMessage(client, der);
            if (start instanceof MessageIntake.Start.Replay replay) {
                receipt = replay.signedReceipt();
                parser.stop();
            } else {
                intake = ((MessageIntake.Start.Expecting) start).intake();
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
