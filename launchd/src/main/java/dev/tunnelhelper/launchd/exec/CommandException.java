package dev.tunnelhelper.launchd.exec;

/** An external command could not be run, or ran and failed where failure is not acceptable. */
public final class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }

    public static CommandException failed(CommandResult result) {
        return new CommandException(result.describe());
    }
}
