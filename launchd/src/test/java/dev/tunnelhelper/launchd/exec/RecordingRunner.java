package dev.tunnelhelper.launchd.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records every invocation and answers from a script keyed by the command line; unscripted commands succeed. */
public final class RecordingRunner implements CommandRunner {
    private final List<List<String>> invocations = new ArrayList<>();
    private final Map<String, CommandResult> answers = new HashMap<>();

    public RecordingRunner answer(String commandLine, int exitCode, String output) {
        answers.put(commandLine, CommandResult.exited(List.of(commandLine.split(" ")), exitCode, output));
        return this;
    }

    @Override
    public CommandResult run(List<String> command) {
        invocations.add(List.copyOf(command));
        CommandResult scripted = answers.get(String.join(" ", command));
        return scripted != null
                ? new CommandResult(command, scripted.exitCode(), scripted.output(), false)
                : CommandResult.exited(command, 0, "");
    }

    /** Each invocation joined with spaces, for readable assertions. */
    public List<String> commandLines() {
        return invocations.stream().map(c -> String.join(" ", c)).toList();
    }
}
