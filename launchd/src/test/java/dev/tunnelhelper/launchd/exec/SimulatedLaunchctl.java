package dev.tunnelhelper.launchd.exec;

import dev.tunnelhelper.shim.SimulatedLaunchd;
import java.util.List;

/**
 * {@code launchctl} against the simulated launchd: the commands the installer runs, with
 * launchctl's exit codes (113 for a service it cannot find, 5 for a failed bootstrap). Any other
 * command fails the test instead of pretending to succeed.
 */
public final class SimulatedLaunchctl implements CommandRunner {
    private static final String DOMAIN = "system/";
    private final SimulatedLaunchd launchd;

    public SimulatedLaunchctl(SimulatedLaunchd launchd) {
        this.launchd = launchd;
    }

    @Override
    public CommandResult run(List<String> command) throws CommandException {
        String line = String.join(" ", command);
        try {
            return switch (line.replaceFirst(" system/.*| system .*", "")) {
                case "launchctl print" -> {
                    SimulatedLaunchd.JobState job = launchd.print(service(command, 2));
                    yield CommandResult.exited(
                            command,
                            0,
                            DOMAIN + service(command, 2) + " = {\n\tstate = " + job.state() + "\n\tpid = " + job.pid()
                                    + "\n}");
                }
                case "launchctl enable", "launchctl disable" -> {
                    launchd.setEnabled(service(command, 2), command.get(1).equals("enable"));
                    yield CommandResult.exited(command, 0, "");
                }
                case "launchctl bootstrap" -> {
                    launchd.bootstrap(java.nio.file.Path.of(command.get(3)));
                    yield CommandResult.exited(command, 0, "");
                }
                case "launchctl bootout" -> {
                    launchd.bootout(service(command, 2));
                    yield CommandResult.exited(command, 0, "");
                }
                case "launchctl kickstart -k" -> {
                    launchd.kickstart(service(command, 3), true);
                    yield CommandResult.exited(command, 0, "");
                }
                default -> throw new CommandException("the simulated launchctl does not know `" + line + "`");
            };
        } catch (IllegalStateException refused) {
            int code = line.startsWith("launchctl bootstrap")
                    ? 5
                    : refused.getMessage().contains("not loaded")
                                    || refused.getMessage().contains("Could not find")
                            ? 113
                            : 1;
            return CommandResult.exited(command, code, refused.getMessage());
        }
    }

    private static String service(List<String> command, int index) throws CommandException {
        String target = command.get(index);
        if (!target.startsWith(DOMAIN)) {
            throw new CommandException("the simulated launchd has only the system domain, not " + target);
        }
        return target.substring(DOMAIN.length());
    }
}
