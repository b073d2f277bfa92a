package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/app-client}: plays the desktop app against the helper's app endpoint. */
@Command(name = "app-client", mixinStandardHelpOptions = true, version = "app-client 0.1.0",
        description = "Talk to the tunnel helper as the app does: ping, status, peers, watch.",
        subcommands = {PingCommand.class, StatusCommand.class, PeersCommand.class, WatchCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:other failure", "2:usage error", "3:helper unavailable (not running, no socket)",
            "4:the helper answered with an error"})
public final class AppClientMain implements Runnable {
    static final String LOGGING_CONFIG = "app-client-logback.xml";

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Not logback.xml: this jar sits on other modules' test classpaths, where it could win over theirs.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING_CONFIG);
        }
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (ping, status, peers, watch)");
    }

    /** The command tree with its error handling; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AppClientMain());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof HelperUnavailableException u) {
                commandLine.getErr().println("app-client: " + u.getMessage());
                return ExitCodes.HELPER_UNAVAILABLE;
            }
            if (e instanceof HelperErrorException h) {
                commandLine.getErr().println("app-client: the helper refused: " + h.code() + ": " + h.helperMessage());
                return ExitCodes.HELPER_ERROR;
            }
            commandLine.getErr().println("app-client: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return ExitCodes.FAILURE;
        });
        return cl;
    }
}
