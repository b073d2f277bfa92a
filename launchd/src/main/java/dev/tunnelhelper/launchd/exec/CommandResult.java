package dev.tunnelhelper.launchd.exec;

import java.util.List;

/** What an external command did: its argv, exit code and combined stdout/stderr. */
public record CommandResult(List<String> command, int exitCode, String output, boolean timedOut) {

    public CommandResult {
        command = List.copyOf(command);
        output = output == null ? "" : output;
    }

    public static CommandResult exited(List<String> command, int exitCode, String output) {
        return new CommandResult(command, exitCode, output, false);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** One line for error messages: the command, how it ended, and what it said. */
    public String describe() {
        String how = timedOut ? "timed out" : "exited with code " + exitCode;
        String said = output.strip();
        return "`" + String.join(" ", command) + "` " + how + (said.isEmpty() ? " (no output)" : ": " + said);
    }
}
