package dev.tunnelhelper.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exit-code table of tunnel-helper, netext-bridge and app-client (docs/operations.md,
 * "Exit codes"). A code means the same in every program; a program uses the ones that can happen to it.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The operation failed: a start failed, the tunnel died, a connection was lost, doctor found a failure. */
    public static final int FAILURE = 1;
    /** Usage or configuration error: unknown option or command, bad value, bad config file. */
    public static final int USAGE = 2;
    /** The helper is not running or cannot be reached: no socket, nobody listening, not allowed to connect. */
    public static final int HELPER_UNAVAILABLE = 3;
    /** The helper answered with an error (its code and message are printed). */
    public static final int HELPER_ERROR = 4;
    /** A local resource could not be set up: the TUN device, the token file. */
    public static final int LOCAL_FAILURE = 5;
    /** Another helper already listens on the sockets. */
    public static final int ALREADY_RUNNING = 6;
    /** Ended by SIGINT / SIGTERM (128 + the signal), after cleaning up. */
    public static final int SIGINT = 130;

    public static final int SIGTERM = 143;

    private ExitCodes() {}

    /** The whole table, for each program's --help and man page. */
    public static Map<String, String> table() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(Integer.toString(OK), "ok");
        t.put(
                Integer.toString(FAILURE),
                "the operation failed (start failed, tunnel died, connection lost, doctor found a failure)");
        t.put(Integer.toString(USAGE), "usage or configuration error");
        t.put(Integer.toString(HELPER_UNAVAILABLE), "the helper is not running or cannot be reached");
        t.put(Integer.toString(HELPER_ERROR), "the helper answered with an error");
        t.put(Integer.toString(LOCAL_FAILURE), "a local resource could not be set up (TUN device, token file)");
        t.put(Integer.toString(ALREADY_RUNNING), "another helper already listens on the sockets");
        t.put(SIGINT + "/" + SIGTERM, "ended by SIGINT/SIGTERM, after cleaning up");
        return t;
    }
}
