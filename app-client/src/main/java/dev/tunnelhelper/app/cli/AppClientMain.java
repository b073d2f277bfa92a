package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.cli.Cli;
import dev.tunnelhelper.cli.CommandTree;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/app-client}: plays the desktop app against the helper's app endpoint. */
@Command(
        name = "app-client",
        mixinStandardHelpOptions = true,
        version = "app-client 0.1.0",
        description = "Talk to the tunnel helper as the app does: ping, status, peers, watch.",
        footer = {"", "--state-dir, --socket, --timeout and --json may also follow the subcommand."})
public final class AppClientMain implements Runnable {
    /** The subcommands, in the order help lists them; a call builds only the one it names (CommandTree). */
    private static final CommandTree TREE = new CommandTree(AppClientMain.class)
            .subcommand(PingCommand.class)
            .subcommand(StatusCommand.class)
            .subcommand(PeersCommand.class)
            .subcommand(WatchCommand.class);

    @Spec
    CommandSpec spec;

    // Given before the subcommand; each subcommand reads them through its own copies.
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    JsonOption json;

    public static void main(String[] args) {
        CliLogging.install();
        System.exit(commandLine(args).execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (ping, status, peers, watch)");
    }

    /** The whole command tree with its error handling; the docs generator uses it. */
    public static CommandLine commandLine() {
        return Cli.prepare(TREE.whole());
    }

    /** The command tree {@code main} runs {@code args} on, with its error handling; tests run it in-process. */
    public static CommandLine commandLine(String... args) {
        return Cli.prepare(TREE.forArguments(args));
    }
}
