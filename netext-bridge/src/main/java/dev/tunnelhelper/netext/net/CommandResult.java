package dev.tunnelhelper.netext.net;

import java.util.List;

/** How a command ended, with its output. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** For error messages that go back to the tunnel: the exact command and what it said. */
    public String describeFailure() {
        String said = stderr.isBlank() ? stdout.strip() : stderr.strip();
        return "`" + String.join(" ", argv) + "` failed (exit " + exitCode + ")" + (said.isEmpty() ? "" : ": " + said);
    }
}
