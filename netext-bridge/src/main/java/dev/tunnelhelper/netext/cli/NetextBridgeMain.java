package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/netext-bridge}: plays the network extension against the helper's extension endpoint. */
@Command(name = "netext-bridge", mixinStandardHelpOptions = true, version = "netext-bridge 0.1.0",
        description = "Play the network extension: open a TUN device, hand it to the tunnel helper, apply its network settings.",
        subcommands = {StartCommand.class, StopCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped cleanly (or stop succeeded)", "1:start failed, tunnel died, or helper connection lost",
            "2:usage error", "3:helper unavailable (not running, no socket)", "4:the helper answered with an error",
            "5:local failure (TUN device, token file)", "130/143:ended by SIGINT/SIGTERM after stopping the session"})
public final class NetextBridgeMain implements Runnable {
    static final String LOGGING_CONFIG = "netext-bridge-logback.xml";

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
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

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new NetextBridgeMain());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof HelperUnavailableException u) {
                commandLine.getErr().println("netext-bridge: " + u.getMessage());
                return ExitCodes.HELPER_UNAVAILABLE;
            }
            if (e instanceof HelperErrorException h) {
                commandLine.getErr().println("netext-bridge: the helper refused: " + h.code() + ": " + h.helperMessage());
                return ExitCodes.HELPER_ERROR;
            }
            commandLine.getErr().println("netext-bridge: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return ExitCodes.SESSION_FAILED;
        });
        return cl;
    }
}
