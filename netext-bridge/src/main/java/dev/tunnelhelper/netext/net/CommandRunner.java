package dev.tunnelhelper.netext.net;

import java.util.List;

/** Runs a system tool ({@code ip}, {@code resolvectl}, {@code ifconfig}...). */
public interface CommandRunner {
    /** Runs {@code argv} to completion; a tool that cannot be started gives exit code 127, like a shell. */
    CommandResult run(List<String> argv);
}
