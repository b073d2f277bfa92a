package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.install.CliDocsInstaller;
import dev.tunnelhelper.launchd.install.InstallRoot;
import dev.tunnelhelper.launchd.install.LaunchdInstaller;
import dev.tunnelhelper.launchd.install.Report;
import dev.tunnelhelper.launchd.install.ServiceFiles;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.install.SystemdInstaller;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Stops and removes the service; succeeds (with a message) when nothing is installed. */
@Command(
        name = "uninstall",
        mixinStandardHelpOptions = true,
        description = {
            "macOS: launchctl bootout system/<label> and remove /Library/LaunchDaemons/<label>.plist",
            "       (an SMAppService daemon is removed by the app: SMAppService.daemon(plistName:).unregister()).",
            "Linux: systemctl disable --now, remove the unit, daemon-reload. The config is kept.",
            "Both: removes the completion and man pages install put in place."
        })
public final class UninstallCommand extends ServiceCommand {

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--root", paramLabel = "DIR", description = "Prefix for every system path removed.")
    Path root;

    @Option(names = "--purge", description = "Also delete the state directory (downloaded binaries, logs).")
    boolean purge;

    @Option(names = "--files-only", description = "Remove files only; do not call launchctl/systemctl.")
    boolean filesOnly;

    public UninstallCommand() {
        this(ServiceHost.current());
    }

    public UninstallCommand(ServiceHost host) {
        super(host);
    }

    @Override
    int execute() throws IOException, CommandException {
        ServiceFiles files = new ServiceFiles(false);
        Report report = host.os() == Os.MACOS
                ? new LaunchdInstaller(host, files)
                        .uninstall(settings.resolve(), InstallRoot.of(root), purge, filesOnly)
                : new SystemdInstaller(host, files).uninstall(InstallRoot.of(root), purge, filesOnly);
        new CliDocsInstaller(files, UninstallCommand.class.getClassLoader()).uninstall(InstallRoot.of(root), report);
        report.printTo(out(), spec.commandLine().getErr());
        return OK;
    }
}
