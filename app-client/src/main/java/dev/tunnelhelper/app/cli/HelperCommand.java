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
import picocli.CommandLine.Model.CommandSpec;

/**
 * A subcommand that talks to the helper's app endpoint, with the options every one of them shares.
 * Declared through picocli's programmatic API, not annotations, like the whole of {@code app-client}
 * ({@link AppClientMain}).
 */
abstract class HelperCommand implements Callable<Integer> {
    final StateDirOption stateDir = new StateDirOption();
    final SocketOptions socket = new SocketOptions();
    final XpcClientOptions xpc = new XpcClientOptions();
    final JsonOption json = new JsonOption();

    /** This command named {@code name}, with the shared options in the order its help and man page list them. */
    final CommandSpec declare(String name, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name(name);
        spec.usageMessage().description(description);
        stateDir.addTo(spec);
        socket.addTo(spec);
        xpc.addTo(spec);
        json.addTo(spec);
        return spec;
    }

    /** The app endpoint: its Unix socket, or with {@code --xpc} its Mach service. */
    HelperEndpoint appEndpoint() throws IOException {
        return xpc.endpoint(Endpoints.Kind.APP, () -> socket.appSocket(stateDir));
    }

    HelperClient connect() throws IOException {
        return HelperClient.connect(appEndpoint(), socket.timeout());
    }
}
