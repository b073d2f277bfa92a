package dev.tunnelhelper.helper.session;

/** A request for the tunnel (peer state, wake) found none running, or it did not answer. */
public final class TunnelUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    TunnelUnavailableException(String message) {
        super(message);
    }

    TunnelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
