package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the helper's extension endpoint is, and how long to wait to connect. */
final class ConnectionOptions {
    @Option(names = "--state-dir", paramLabel = "D", description = "The helper's state directory; its extension socket is D/run/ne.sock.")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The helper's extension socket (overrides --state-dir). Default: /run/tunnel-helper/ne.sock.")
    Path socket;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Connect timeout and the wait for a stop reply, e.g. 5, 500ms, 10s (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    Path neSocket() {
        return EndpointSockets.extensionSocket(stateDir, socket);
    }
}
