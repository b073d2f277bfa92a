package dev.tunnelhelper.helper;

import dev.tunnelhelper.cli.Cli;
import dev.tunnelhelper.cli.CommandTree;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.helper.doctor.DoctorCommand;
import dev.tunnelhelper.launchd.cli.BundleCommand;
import dev.tunnelhelper.launchd.cli.InstallCommand;
import dev.tunnelhelper.launchd.cli.PlistCommand;
import dev.tunnelhelper.launchd.cli.UninstallCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tunnel-helper}: the daemon and the commands that operate it. */
@Command(
        name = "tunnel-helper",
        mixinStandardHelpOptions = true,
        versionProvider = HelperMain.Version.class,
        description = "Privileged helper that owns a CoderVPN tunnel for an app and its network extension.",
        footer = {"", "--state-dir, --socket, --timeout and --json may also follow the subcommands that take them."})
public final class HelperMain implements Runnable {
    /** The subcommands, in the order help lists them; a run builds only the one it names (CommandTree). */
    private static final CommandTree TREE = new CommandTree(HelperMain.class)
            .subcommand(RunCommand.class)
            .subcommand(StatusCommand.class)
            .subcommand(DoctorCommand.class)
            .subcommand(ConfigCommand.class)
            .subcommand(VersionCommand.class)
            .subcommand(PlistCommand.class)
            .subcommand(InstallCommand.class)
            .subcommand(UninstallCommand.class)
            .subcommand(BundleCommand.class);

    @Spec
    CommandSpec spec;

    // Given before the subcommand; the subcommands that take them read them through their own copies.
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    JsonOption json;

    public static void main(String[] args) {
        Cli.skipGroovyLookup();
        System.exit(commandLine(args).execute(args));
    }

    /** The whole command tree with its error handling; the docs generator uses it. */
    public static CommandLine commandLine() {
        return Cli.prepare(TREE.whole());
    }

    /** The command tree {@code main} runs {@code args} on, with its error handling; tests run it in-process. */
    public static CommandLine commandLine(String... args) {
        return Cli.prepare(TREE.forArguments(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tunnel-helper " + HelperVersion.get()};
        }
    }
}
