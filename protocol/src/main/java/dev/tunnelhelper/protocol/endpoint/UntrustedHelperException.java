package dev.tunnelhelper.protocol.endpoint;

import java.nio.file.Path;

/**
 * Whatever listens on the helper's socket may not be the helper: the socket file or a directory
 * above it could have been planted by another user, or the listening process runs as someone
 * other than root (or, unprivileged, ourselves). Nothing was sent to it: no hello line, no
 * token, no header, no descriptor. A kind of unavailability, so callers that only know "the
 * helper is not there" still treat it as such.
 */
public final class UntrustedHelperException extends HelperUnavailableException {
    private static final long serialVersionUID = 1L;

    public UntrustedHelperException(Path socket, String why) {
        super(socket, null, "refusing to talk to " + socket + ": " + why + ". Nothing was sent to it.");
    }
}
