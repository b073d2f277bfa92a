package dev.tunnelhelper.launchd.install;

import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.systemd.SystemdUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks launchd or systemd whether the helper service is loaded; never changes anything. */
public final class ServiceStatusProbe {
    // `launchctl print` output is indented key = value lines; the first `state =` and `pid =` describe the job.
    private static final Pattern LAUNCHD_STATE = Pattern.compile("(?m)^\\s*state = (.+)$");
    private static final Pattern LAUNCHD_PID = Pattern.compile("(?m)^\\s*pid = (\\d+)$");

    private final ServiceHost host;

    public ServiceStatusProbe(ServiceHost host) {
        this.host = host;
    }

    /**
     * Asks the service manager about the helper's job.
     *
     * @param launchdLabel the launchd label; ignored on Linux, where the unit name is fixed */
    public ServiceStatus probe(String launchdLabel) throws CommandException {
        return host.os() == Os.MACOS ? probeLaunchd(launchdLabel) : probeSystemd();
    }

    private ServiceStatus probeLaunchd(String label) throws CommandException {
        CommandResult result = host.runner().run(List.of("launchctl", "print", "system/" + label));
        if (!result.succeeded()) {
            return new ServiceStatus(
                    "launchd",
                    label,
                    true,
                    false,
                    "not loaded",
                    null,
                    "launchctl print exited with " + result.exitCode());
        }
        Matcher state = LAUNCHD_STATE.matcher(result.output());
        Matcher pid = LAUNCHD_PID.matcher(result.output());
        return new ServiceStatus(
                "launchd",
                label,
                true,
                true,
                state.find() ? state.group(1).strip() : "unknown",
                pid.find() ? Long.valueOf(pid.group(1)) : null,
                "");
    }

    private ServiceStatus probeSystemd() throws CommandException {
        String unit = SystemdUnit.UNIT_NAME;
        if (!host.systemdRunning()) {
            return new ServiceStatus(
                    "systemd",
                    unit,
                    false,
                    false,
                    "unknown",
                    null,
                    "systemd not running (" + host.systemdMarker() + " absent)");
        }
        CommandResult active = host.runner().run(List.of("systemctl", "is-active", unit));
        CommandResult enabled = host.runner().run(List.of("systemctl", "is-enabled", unit));
        String activeState = firstLine(active.output(), "unknown");
        String enabledState = firstLine(enabled.output(), "not-found");
        // is-enabled exits 0 for enabled/static/alias units; is-active exits 0 only when running.
        boolean loaded = enabled.succeeded() || active.succeeded();
        return new ServiceStatus("systemd", unit, true, loaded, activeState, null, "unit file " + enabledState);
    }

    private static String firstLine(String output, String fallback) {
        String trimmed = output.strip();
        if (trimmed.isEmpty()) {
            return fallback;
        }
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }
}
