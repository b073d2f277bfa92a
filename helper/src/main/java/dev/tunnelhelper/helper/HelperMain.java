package dev.tunnelhelper.helper;

import dev.tunnelhelper.launchd.cli.BundleCommand;
import dev.tunnelhelper.launchd.cli.InstallCommand;
import dev.tunnelhelper.launchd.cli.PlistCommand;
import dev.tunnelhelper.launchd.cli.UninstallCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tunnel-helper}: the daemon and the commands that operate it. */
@Command(name = "tunnel-helper", mixinStandardHelpOptions = true, versionProvider = HelperMain.Version.class,
        description = "Privileged helper that owns a CoderVPN tunnel for an app and its network extension.",
        subcommands = {RunCommand.class, StatusCommand.class, VersionCommand.class,
                PlistCommand.class, InstallCommand.class, UninstallCommand.class, BundleCommand.class})
public final class HelperMain implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new HelperMain());
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tunnel-helper " + HelperVersion.get()};
        }
    }
}
