package dev.tunnelhelper.protocol.endpoint;

import java.io.IOException;

/** The helper answered with {@code error{code, message}}: it understood us and refused or failed. */
public final class HelperErrorException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String helperMessage;

    public HelperErrorException(String code, String message) {
        super("helper error " + code + ": " + message);
        this.code = code;
        this.helperMessage = message;
    }

    /** Stable, machine-readable, e.g. {@code UNAUTHORIZED}, {@code SLOW_CONSUMER}. */
    public String code() {
        return code;
    }

    public String helperMessage() {
        return helperMessage;
    }
}
