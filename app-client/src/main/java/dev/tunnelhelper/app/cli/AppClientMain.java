package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.cli.Cli;
import dev.tunnelhelper.cli.CommandTree;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.ProgrammaticOptions;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code bin/app-client}: plays the desktop app against the helper's app endpoint.
 *
 * <p>Its commands are declared through picocli's programmatic API, not its annotations: reading
 * the annotations was about 40 ms of every call, a sixth of what a {@code ping} may take in all
 * (cli-support's {@code ProgrammaticOptions}, docs/performance.md). The shared option groups
 * declare themselves from the same names and texts as their annotations in the other programs.
 */
public final class AppClientMain implements Runnable {
    /** The subcommands, in the order help lists them; a call builds only the one it names (CommandTree). */
    private static final CommandTree TREE = CommandTree.ofSpecs(AppClientMain::spec)
            .subcommand("ping", PingCommand::spec)
            .subcommand("status", StatusCommand::spec)
            .subcommand("peers", PeersCommand::spec)
            .subcommand("watch", WatchCommand::spec);

    private CommandSpec spec;

    // Given before the subcommand; each subcommand reads them through its own copies.
    private final StateDirOption stateDir = new StateDirOption();
    private final SocketOptions socket = new SocketOptions();
    private final JsonOption json = new JsonOption();

    public static void main(String[] args) {
        Cli.skipGroovyLookup();
        CliLogging.install();
        System.exit(commandLine(args).execute(args));
    }

    private static CommandSpec spec() {
        AppClientMain main = new AppClientMain();
        CommandSpec spec =
                CommandSpec.wrapWithoutInspection(main).name("app-client").version("app-client 0.1.0");
        spec.usageMessage()
                .description("Talk to the tunnel helper as the app does: ping, status, peers, watch.")
                .footer("", "--state-dir, --socket, --timeout and --json may also follow the subcommand.");
        main.stateDir.addTo(spec);
        main.socket.addTo(spec);
        main.json.addTo(spec);
        ProgrammaticOptions.addStandardHelpOptions(spec);
        main.spec = spec;
        return spec;
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
