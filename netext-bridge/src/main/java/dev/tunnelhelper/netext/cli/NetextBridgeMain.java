package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.cli.Cli;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/netext-bridge}: plays the network extension against the helper's extension endpoint. */
@Command(
        name = "netext-bridge",
        mixinStandardHelpOptions = true,
        version = "netext-bridge 0.1.0",
        description =
                "Play the network extension: open a TUN device, hand it to the tunnel helper, apply its network settings.",
        subcommands = {StartCommand.class, StopCommand.class},
        footer = {"", "--state-dir, --socket and --timeout may also follow the subcommand."})
public final class NetextBridgeMain implements Runnable {
    static final String LOGGING_CONFIG = "netext-bridge-logback.xml";

    @Spec
    CommandSpec spec;

    // Given before the subcommand; each subcommand reads them through its own copies.
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    public static void main(String[] args) {
        Cli.skipGroovyLookup();
        // Not logback.xml, so a test classpath with several of our jars does not pick a random one.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING_CONFIG);
        }
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (start, stop)");
    }

    /** The command tree with its error handling; tests run it in-process. */
    public static CommandLine commandLine() {
        return Cli.prepare(new CommandLine(new NetextBridgeMain()));
    }
}
