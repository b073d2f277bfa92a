package dev.tunnelhelper.protocol.endpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The helper is not there to talk to: no socket, nobody listening, or no permission to connect.
 * The message says where we looked and how to start the helper, because the usual reader is a
 * person who forgot to start it, and a stack trace of ENOENT/ECONNREFUSED does not tell them that.
 */
public class HelperUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Path socket;

    public HelperUnavailableException(Path socket, String why, Throwable cause) {
        this(
                socket,
                cause,
                "tunnel helper is not running: " + why + " (" + socket + "). Start it with "
                        + "'bin/tunnel-helper run --state-dir D' (then pass the same --state-dir here) "
                        + "or 'systemctl start tunnel-helper', or point at its socket with --socket PATH.");
    }

    /** For subclasses that explain the unavailability in their own words. */
    protected HelperUnavailableException(Path socket, Throwable cause, String message) {
        super(message, cause);
        this.socket = socket;
    }

    /** The socket path that was tried. */
    public Path socket() {
        return socket;
    }
}
