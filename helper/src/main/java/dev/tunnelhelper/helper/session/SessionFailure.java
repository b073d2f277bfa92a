package dev.tunnelhelper.helper.session;

/** A start failed at a named step; the message is what the extension and apps are told. */
final class SessionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    SessionFailure(String step, String message, Throwable cause) {
        super(step + ": " + message, cause);
    }
}
