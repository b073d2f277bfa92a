package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.install.LaunchdInstaller;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.macos.DaemonProgram;
import dev.tunnelhelper.launchd.macos.LaunchDaemonPlist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the LaunchDaemon plist; works on any OS so packaging can run on a Linux build host. */
@Command(
        name = "plist",
        mixinStandardHelpOptions = true,
        description = "Print the helper's LaunchDaemon plist (XML), validated by parsing it back.")
public final class PlistCommand extends ServiceCommand {

    static final String DEFAULT_BUNDLE_PROGRAM = "Contents/MacOS/tunnel-helper";

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @ArgGroup(exclusive = true)
    ProgramChoice program = new ProgramChoice();

    @Option(
            names = "--daemon-config",
            paramLabel = "PATH",
            description = "Config path the daemon is started with (default with --program: --config, else "
                    + "/Library/Application Support/<bundle-id>/helper.json; with a BundleProgram: none, the daemon gets"
                    + " --team-id, --bundle-id and --label).")
    Path daemonConfig;

    static final class ProgramChoice {
        @Option(names = "--program", paramLabel = "PATH", description = "Absolute path of the daemon (Program).")
        String absolute;

        @Option(
                names = "--bundle-program",
                paramLabel = "REL",
                description = "Path inside the app bundle (BundleProgram, for SMAppService); default "
                        + DEFAULT_BUNDLE_PROGRAM + ".")
        String inBundle;

        DaemonProgram resolve() {
            if (absolute != null) {
                return DaemonProgram.absolute(absolute);
            }
            return DaemonProgram.inBundle(inBundle != null ? inBundle : DEFAULT_BUNDLE_PROGRAM);
        }
    }

    public PlistCommand() {
        this(ServiceHost.current());
    }

    public PlistCommand(ServiceHost host) {
        super(host);
    }

    @Override
    int execute() throws IOException {
        LaunchdSettings resolved = settings.resolve();
        String configPath = program.absolute != null
                ? settings.daemonConfigPath(daemonConfig, LaunchdInstaller.defaultConfigPath(resolved))
                : daemonConfig != null
                        ? daemonConfig.toAbsolutePath().normalize().toString()
                        : null;
        LaunchDaemonPlist plist = new LaunchDaemonPlist(resolved, program.resolve(), configPath);
        out().print(plist.toXml());
        out().flush();
        return OK;
    }
}
