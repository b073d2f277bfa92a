package dev.tunnelhelper.helper.session;

/**
 * A start ended without a running tunnel. The message is what the extension's start result and
 * (for a failure, not a stop) the status say: {@code "<step>: <reason>"}, or
 * {@value #STOPPED} when a stop abandoned the start.
 */
public final class SessionFailure extends Exception {
    private static final long serialVersionUID = 1L;
    public static final String STOPPED = "stopped before the tunnel was running";

    SessionFailure(String message) {
        super(message);
    }
}
