package dev.tunnelhelper.launchd.install;

import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.CommandRunner;
import dev.tunnelhelper.launchd.exec.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a command acts on: which service manager, how external commands run, and where
 * systemd advertises that it is PID 1. Injected whole so tests can play either OS.
 *
 * @param systemdMarker {@code /run/systemd/system}: it exists exactly when systemd is running
 *     (the test {@code sd_booted()} uses)
 */
public record ServiceHost(Os os, CommandRunner runner, Path systemdMarker) {

    public static final Path SYSTEMD_MARKER = Path.of("/run/systemd/system");

    public static ServiceHost current() {
        return new ServiceHost(Os.current(), new ProcessCommandRunner(), SYSTEMD_MARKER);
    }

    public boolean systemdRunning() {
        return Files.isDirectory(systemdMarker);
    }

    /**
     * Chowning to root only works, and only matters, when we are root. A new file's owner is our
     * effective uid, which avoids platform-specific uid APIs that a jlink image may not include.
     */
    public static boolean runningAsRoot() {
        try {
            Path probe = Files.createTempFile("uid-probe", "");
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(probe, "unix:uid"));
            } finally {
                Files.delete(probe);
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
