package org.treatyexchange.server.application;

import org.treatyexchange.server.messages.MessageService;

/**
 * A secretariat message being written at the console, its attachments streaming in one after another
 * ({@link SecretariatDesk#beginMessage}); {@link #send} queues it for every recipient, signed by the server.
 * Closing it unsent keeps nothing.
 */
public final class MessageDraft implements AutoCloseable {

    private final MessageService.OperatorMessage message;

    MessageDraft(MessageService.OperatorMessage message) {
        this.message = message;
    }

    public void startAttachment(String name) throws Refusal {
        message.startAttachment(name);
    }

    public void write(byte[] b, int off, int len) throws Refusal {
        message.write(b, off, len);
    }

    public void endAttachment() throws Refusal {
        message.endAttachment();
    }

    /** Sends the message; returns the server-signed receipt listing the recipients. */
    public byte[] send() throws Refusal {
        return message.send();
    }

    @Override
    public void close() {
        message.close();
    }
}
