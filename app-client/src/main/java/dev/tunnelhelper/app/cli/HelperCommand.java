package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.launchd.cli.XpcClientOptions;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A subcommand that talks to the helper's app endpoint, with the options every one of them shares. */
abstract class HelperCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    XpcClientOptions xpc;

    @Mixin
    JsonOption json;

    /** The app endpoint: its Unix socket, or with {@code --xpc} its Mach service. */
    HelperEndpoint appEndpoint() throws IOException {
        return xpc.endpoint(Endpoints.Kind.APP, () -> socket.appSocket(stateDir));
    }

    HelperClient connect() throws IOException {
        return HelperClient.connect(appEndpoint(), socket.timeout());
    }
}
