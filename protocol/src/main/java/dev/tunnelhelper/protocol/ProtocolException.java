package dev.tunnelhelper.protocol;

import java.io.IOException;

/**
 * The peer broke the protocol (oversized frame, garbage protobuf, bad handshake line...).
 * The only safe reaction is to close the stream: after a violation the byte stream can no
 * longer be trusted to be aligned on frame boundaries.
 */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
