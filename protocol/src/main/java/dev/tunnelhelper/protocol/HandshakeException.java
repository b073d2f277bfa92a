package dev.tunnelhelper.protocol;

/** The peer's handshake line was missing, malformed or incompatible. */
public final class HandshakeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public HandshakeException(String message) {
        super(message);
    }

    public HandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
