package dev.tunnelhelper.protocol;

import java.io.IOException;

/** The speaker is closed (locally, by the peer, or after a protocol error): no reply will come. */
public final class SpeakerClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpeakerClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
