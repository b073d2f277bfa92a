package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A subcommand that talks to the helper's app endpoint, with the options every one of them shares. */
abstract class HelperCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    JsonOption json;

    Path appSocket() {
        return socket.appSocket(stateDir);
    }

    HelperClient connect() throws IOException {
        return HelperClient.connect(appSocket(), socket.timeout());
    }
}
