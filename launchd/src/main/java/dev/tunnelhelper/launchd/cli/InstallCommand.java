package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.install.CliDocsInstaller;
import dev.tunnelhelper.launchd.install.InstallRoot;
import dev.tunnelhelper.launchd.install.LaunchdInstaller;
import dev.tunnelhelper.launchd.install.Report;
import dev.tunnelhelper.launchd.install.ServiceFiles;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.install.SystemdInstaller;
import dev.tunnelhelper.launchd.macos.DaemonProgram;
import dev.tunnelhelper.launchd.macos.LaunchDaemonPlist;
import dev.tunnelhelper.launchd.systemd.SystemdUnit;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Installs the helper as a LaunchDaemon (macOS) or systemd service (Linux); safe to repeat. */
@Command(
        name = "install",
        mixinStandardHelpOptions = true,
        description = {
            "macOS: --program PATH writes /Library/LaunchDaemons/<label>.plist and runs launchctl bootstrap;",
            "       --bundle App.app writes Contents/Library/LaunchDaemons/<label>.plist for SMAppService",
            "       (the app registers it; launchctl is not used).",
            "Linux: writes /etc/systemd/system/" + SystemdUnit.UNIT_NAME + " and runs systemctl enable --now.",
            "Both (not with --bundle): shell completion and man pages of tunnel-helper, netext-bridge and app-client",
            "into " + CliDocsInstaller.COMPLETION_DIR + " and " + CliDocsInstaller.MAN_DIR + "/man1."
        })
public final class InstallCommand extends ServiceCommand {

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @ArgGroup(exclusive = true)
    Target target = new Target();

    static final class Target {
        @Option(names = "--bundle", paramLabel = "App.app", description = "macOS: the app bundle (SMAppService).")
        Path bundle;

        @Option(
                names = "--program",
                paramLabel = "PATH",
                description =
                        "Absolute path of the daemon launcher (Linux default: " + SystemdUnit.DEFAULT_PROGRAM + ").")
        String program;
    }

    @Option(
            names = "--bundle-program",
            paramLabel = "REL",
            description = "With --bundle: the launcher inside the bundle (default: "
                    + PlistCommand.DEFAULT_BUNDLE_PROGRAM + ").")
    String bundleProgram;

    @Option(
            names = "--daemon-config",
            paramLabel = "PATH",
            description = "Config path the daemon is started with (default: --config, else the platform default).")
    Path daemonConfig;

    @Option(
            names = "--root",
            paramLabel = "DIR",
            description = "Prefix for every system path written (tests, packaging).")
    Path root;

    @Option(names = "--files-only", description = "Write files only; do not call launchctl/systemctl.")
    boolean filesOnly;

    @Option(
            names = "--unit-type",
            paramLabel = "TYPE",
            defaultValue = "NOTIFY",
            description = "Linux: systemd Type, NOTIFY (the daemon reports readiness via sd_notify) or SIMPLE.")
    SystemdUnit.Type unitType;

    public InstallCommand() {
        this(ServiceHost.current());
    }

    public InstallCommand(ServiceHost host) {
        super(host);
    }

    @Override
    int execute() throws IOException, CommandException {
        Report report = host.os() == Os.MACOS ? installMac() : installLinux();
        if (target.bundle == null) {
            // The app bundle's own installer owns what goes outside the bundle.
            new CliDocsInstaller(new ServiceFiles(ServiceHost.runningAsRoot()), InstallCommand.class.getClassLoader())
                    .install(InstallRoot.of(root), report);
        }
        report.printTo(out(), spec.commandLine().getErr());
        return OK;
    }

    private Report installMac() throws IOException, CommandException {
        LaunchdSettings resolved = settings.resolve();
        if (target.bundle != null) {
            DaemonProgram program =
                    DaemonProgram.inBundle(bundleProgram != null ? bundleProgram : PlistCommand.DEFAULT_BUNDLE_PROGRAM);
            // Only an explicit --daemon-config: otherwise the daemon needs no file (see BundleCommand).
            String bundleConfig = daemonConfig != null
                    ? daemonConfig.toAbsolutePath().normalize().toString()
                    : null;
            LaunchDaemonPlist plist = new LaunchDaemonPlist(resolved, program, bundleConfig);
            return new LaunchdInstaller(host, new ServiceFiles(false)).installIntoBundle(plist, target.bundle);
        }
        if (target.program == null) {
            throw new InvalidServiceDefinitionException(
                    "give --bundle App.app (SMAppService) or --program PATH (legacy /Library/LaunchDaemons)");
        }
        if (bundleProgram != null) {
            throw new InvalidServiceDefinitionException("--bundle-program only applies with --bundle");
        }
        String configPath = settings.daemonConfigPath(daemonConfig, LaunchdInstaller.defaultConfigPath(resolved));
        LaunchDaemonPlist plist = new LaunchDaemonPlist(resolved, DaemonProgram.absolute(target.program), configPath);
        return new LaunchdInstaller(host, new ServiceFiles(ServiceHost.runningAsRoot()))
                .installLegacy(plist, configPath, settings.configFile().isEmpty(), InstallRoot.of(root), filesOnly);
    }

    private Report installLinux() throws IOException, CommandException {
        if (target.bundle != null || bundleProgram != null) {
            throw new InvalidServiceDefinitionException("--bundle/--bundle-program are macOS options");
        }
        String configPath = settings.daemonConfigPath(daemonConfig, SystemdUnit.DEFAULT_CONFIG);
        String program = target.program != null ? target.program : SystemdUnit.DEFAULT_PROGRAM;
        SystemdUnit unit = new SystemdUnit(program, configPath, unitType);
        return new SystemdInstaller(host, new ServiceFiles(ServiceHost.runningAsRoot()))
                .install(unit, configPath, InstallRoot.of(root), filesOnly);
    }
}
