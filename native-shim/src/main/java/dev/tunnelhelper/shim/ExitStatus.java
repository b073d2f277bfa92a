package dev.tunnelhelper.shim;

import java.util.Map;

/** How a child ended: an exit code, or the signal that killed it. */
public final class ExitStatus {
    // Numbers common to Linux and macOS; others are printed without a name.
    private static final Map<Integer, String> SIGNAL_NAMES = Map.ofEntries(
            Map.entry(1, "SIGHUP"),
            Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"),
            Map.entry(4, "SIGILL"),
            Map.entry(5, "SIGTRAP"),
            Map.entry(6, "SIGABRT"),
            Map.entry(8, "SIGFPE"),
            Map.entry(9, "SIGKILL"),
            Map.entry(11, "SIGSEGV"),
            Map.entry(13, "SIGPIPE"),
            Map.entry(14, "SIGALRM"),
            Map.entry(15, "SIGTERM"));

    private final boolean signaled;
    private final int value;

    private ExitStatus(boolean signaled, int value) {
        this.signaled = signaled;
        this.value = value;
    }

    public static ExitStatus exited(int code) {
        return new ExitStatus(false, code);
    }

    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(true, signal);
    }

    static ExitStatus decode(int kind, int value) {
        return kind == 1 ? killedBy(value) : exited(value);
    }

    public boolean exited() {
        return !signaled;
    }

    public boolean signaled() {
        return signaled;
    }

    /** The exit code; throws if the child was killed by a signal. */
    public int exitCode() {
        if (signaled) {
            throw new IllegalStateException("child was " + this + ", it has no exit code");
        }
        return value;
    }

    /** The signal number; throws if the child exited normally. */
    public int signal() {
        if (!signaled) {
            throw new IllegalStateException("child ended with " + this + ", not by a signal");
        }
        return value;
    }

    public boolean success() {
        return !signaled && value == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitStatus other && other.signaled == signaled && other.value == value;
    }

    @Override
    public int hashCode() {
        return (signaled ? 1000 : 0) + value;
    }

    @Override
    public String toString() {
        if (!signaled) {
            return "exit code " + value;
        }
        String name = SIGNAL_NAMES.get(value);
        return "killed by signal " + value + (name == null ? "" : " (" + name + ")");
    }
}
