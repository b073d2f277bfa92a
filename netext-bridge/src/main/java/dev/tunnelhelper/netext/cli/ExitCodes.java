package dev.tunnelhelper.netext.cli;

/** The CLI's exit codes (documented in docs/operations.md). */
final class ExitCodes {
    /** Started and later stopped cleanly (netext-bridge stop, or a clean CancelProvider); or stop succeeded. */
    static final int OK = 0;
    /** The start failed, the tunnel died (CancelProvider with an error), or the helper connection was lost. */
    static final int SESSION_FAILED = 1;
    static final int USAGE = 2;
    static final int HELPER_UNAVAILABLE = 3;
    /** The helper refused with an error reply, e.g. ALREADY_RUNNING. */
    static final int HELPER_ERROR = 4;
    /** A local resource could not be set up: the TUN device or the token file. */
    static final int LOCAL_FAILURE = 5;

    private ExitCodes() {
    }
}
