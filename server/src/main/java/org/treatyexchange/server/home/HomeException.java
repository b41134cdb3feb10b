package org.treatyexchange.server.home;

/** The data directory or a secret it needs cannot be used; the message says what to do. */
public final class HomeException extends Exception {
    private static final long serialVersionUID = 1L;

    public HomeException(String message) {
        super(message);
    }
}
