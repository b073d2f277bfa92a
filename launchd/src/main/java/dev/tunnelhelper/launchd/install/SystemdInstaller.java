package dev.tunnelhelper.launchd.install;

import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.systemd.SystemdUnit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Installs the helper as a systemd service. Where systemd is not PID 1 (containers, CI) the files
 * are still written, so an image can be prepared and the service starts on the next real boot.
 */
public final class SystemdInstaller {
    // Every config field is optional with a safe default (docs/operations.md), so an empty object is a valid config.
    private static final byte[] DEFAULT_CONFIG = "{}\n".getBytes(StandardCharsets.UTF_8);

    private final ServiceHost host;
    private final ServiceFiles files;

    public SystemdInstaller(ServiceHost host, ServiceFiles files) {
        this.host = host;
        this.files = files;
    }

    /**
     * Installs the systemd unit.
     *
     * @param configPath the config ExecStart names; a default one is written there when absent */
    public Report install(SystemdUnit unit, String configPath, InstallRoot root, boolean filesOnly)
            throws IOException, CommandException {
        Report report = new Report();
        Path unitFile = root.resolve(SystemdUnit.UNIT_PATH);
        boolean changed = files.writeIfChanged(unitFile, unit.renderBytes());
        report.info((changed ? "wrote " : "unchanged: ") + unitFile);
        Path config = root.resolve(configPath);
        report.info(
                files.writeIfAbsent(config, DEFAULT_CONFIG)
                        ? "wrote default config " + config + " (all defaults; edit it, then `systemctl restart "
                                + SystemdUnit.UNIT_NAME + "`)"
                        : "kept existing config " + config);
        if (filesOnly) {
            report.info("--files-only: systemd not contacted");
            return report;
        }
        if (!host.systemdRunning()) {
            report.warn("systemd is not running (" + host.systemdMarker() + " is absent): the unit is installed but"
                    + " the service could not be enabled or started; once systemd runs: systemctl daemon-reload &&"
                    + " systemctl enable --now " + SystemdUnit.UNIT_NAME);
            return report;
        }
        if (changed) {
            require(List.of("systemctl", "daemon-reload"));
        }
        // enable --now is itself idempotent, so a second install just confirms the service is up.
        require(List.of("systemctl", "enable", "--now", SystemdUnit.UNIT_NAME));
        report.info(
                changed
                        ? "enabled and started " + SystemdUnit.UNIT_NAME
                        : "already installed; " + SystemdUnit.UNIT_NAME + " is enabled and started");
        return report;
    }

    public Report uninstall(InstallRoot root, boolean purge, boolean filesOnly) throws IOException, CommandException {
        Report report = new Report();
        Path unitFile = root.resolve(SystemdUnit.UNIT_PATH);
        boolean present = java.nio.file.Files.exists(unitFile);
        boolean talkToSystemd = !filesOnly && host.systemdRunning();
        if (!present) {
            report.info("not installed: " + unitFile + " does not exist");
        } else {
            if (talkToSystemd) {
                require(List.of("systemctl", "disable", "--now", SystemdUnit.UNIT_NAME));
                report.info("stopped and disabled " + SystemdUnit.UNIT_NAME);
            }
            files.deleteIfExists(unitFile);
            report.info("removed " + unitFile);
            if (talkToSystemd) {
                require(List.of("systemctl", "daemon-reload"));
            } else if (!filesOnly) {
                report.warn("systemd is not running (" + host.systemdMarker() + " is absent): removed the unit file"
                        + " only; nothing was stopped");
            }
        }
        if (purge) {
            for (String dir : List.of(SystemdUnit.STATE_DIR, SystemdUnit.LOGS_DIR, "/var/cache/tunnel-helper")) {
                Path path = root.resolve(dir);
                if (files.deleteTree(path)) {
                    report.info("purged " + path);
                }
            }
        }
        return report;
    }

    private void require(List<String> command) throws CommandException {
        CommandResult result = host.runner().run(command);
        if (!result.succeeded()) {
            throw CommandException.failed(result);
        }
    }
}
