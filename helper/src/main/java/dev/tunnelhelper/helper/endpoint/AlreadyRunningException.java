package dev.tunnelhelper.helper.endpoint;

import java.io.IOException;

/** Another helper already answers on an endpoint's socket: this one must not start. */
public final class AlreadyRunningException extends IOException {
    private static final long serialVersionUID = 1L;

    AlreadyRunningException(String message) {
        super(message);
    }
}
