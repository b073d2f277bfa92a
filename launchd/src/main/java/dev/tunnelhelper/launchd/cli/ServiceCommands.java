package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.cli.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The service-management commands on their own, for packaging hosts and tests; the helper's
 * {@code tunnel-helper} CLI registers the same classes as its subcommands.
 */
@Command(
        name = "tunnel-helper-service",
        mixinStandardHelpOptions = true,
        subcommands = {PlistCommand.class, InstallCommand.class, UninstallCommand.class, BundleCommand.class},
        description = "Generate, install and remove the helper's LaunchDaemon / systemd service.")
public final class ServiceCommands {

    public static void main(String[] args) {
        System.exit(Cli.prepare(new CommandLine(new ServiceCommands())).execute(args));
    }
}
