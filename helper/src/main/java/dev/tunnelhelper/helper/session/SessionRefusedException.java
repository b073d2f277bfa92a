package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import java.util.Objects;

/** A request the session did not take on at all: nothing was started and nothing changed. */
public final class SessionRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    SessionRefusedException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** {@link ErrorCode#ALREADY_RUNNING} or {@link ErrorCode#SHUTTING_DOWN}. */
    public ErrorCode code() {
        return code;
    }
}
