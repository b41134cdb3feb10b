package org.treatyexchange.server.audit;

/**
 * The audit chain cannot be trusted: broken, or cut or rewritten behind its latest signed checkpoint. The
 * server refuses to start on it unless told otherwise for that one start. The message is one line that
 * says what is wrong and what to do.
 */
public final class BrokenChainException extends Exception {

    private static final long serialVersionUID = 1L;

    public BrokenChainException(String message) {
        super(message);
    }
}
