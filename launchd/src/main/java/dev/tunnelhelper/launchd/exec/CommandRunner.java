package dev.tunnelhelper.launchd.exec;

import java.util.List;

/** Runs launchctl/systemctl; an interface so tests record invocations instead of touching the host. */
public interface CommandRunner {

    /**
     * Runs a command to completion.
     *
     * @throws CommandException when the command cannot be started at all (e.g. not installed)
     */
    CommandResult run(List<String> command) throws CommandException;
}
