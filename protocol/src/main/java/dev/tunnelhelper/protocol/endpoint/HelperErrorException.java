package dev.tunnelhelper.protocol.endpoint;

import dev.tunnelhelper.protocol.helper.Error;
import java.io.IOException;
import java.util.Optional;

/** The helper answered with {@code error{code, message}}: it understood us and refused or failed. */
public final class HelperErrorException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String helperMessage;

    public HelperErrorException(Error error) {
        super("helper error " + error.getCode() + ": " + error.getMessage());
        this.code = error.getCode();
        this.helperMessage = error.getMessage();
    }

    /** Stable, machine-readable, e.g. {@code UNAUTHORIZED}, {@code SLOW_CONSUMER}: as sent, even one this version does not know. */
    public String code() {
        return code;
    }

    /** The code as the enum, or empty for one this version does not know (a newer helper's). */
    public Optional<ErrorCode> errorCode() {
        return ErrorCode.of(Error.newBuilder().setCode(code).build());
    }

    public String helperMessage() {
        return helperMessage;
    }
}
