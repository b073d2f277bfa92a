package dev.tunnelhelper.app.cli;

/** The CLI's exit codes (documented in docs/operations.md). */
public final class ExitCodes {
    public static final int OK = 0;
    /** Anything not covered below: an I/O failure mid-conversation, an unexpected answer. */
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int HELPER_UNAVAILABLE = 3;
    public static final int HELPER_ERROR = 4;

    private ExitCodes() {
    }
}
