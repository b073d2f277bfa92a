package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every subcommand shares: where the helper is and how long to wait for it. */
public final class ConnectionOptions {
    @Option(names = "--state-dir", paramLabel = "D",
            description = "The helper's state directory; its app socket is D/run/app.sock.")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The helper's app socket (overrides --state-dir). Default: /run/tunnel-helper/app.sock.")
    Path socket;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Connect and per-call timeout, e.g. 5, 500ms, 10s (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    public Path appSocket() {
        return EndpointSockets.appSocket(stateDir, socket);
    }

    public Duration timeout() {
        return timeout;
    }

    public HelperClient connect() throws IOException {
        return HelperClient.connect(appSocket(), timeout);
    }
}
