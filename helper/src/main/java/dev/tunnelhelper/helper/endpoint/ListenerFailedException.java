package dev.tunnelhelper.helper.endpoint;

import java.io.IOException;

/**
 * An endpoint's listener stopped accepting peers on its own: on XPC, launchd refused this
 * process the Mach service (no loaded job declares it, or this process is not the one launchd
 * started for that job). No peer will ever arrive, so the helper must not keep running.
 */
public final class ListenerFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    public ListenerFailedException(String message) {
        super(message);
    }
}
