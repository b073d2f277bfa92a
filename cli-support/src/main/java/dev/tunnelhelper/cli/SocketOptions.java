package dev.tunnelhelper.cli;

import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where a client finds the helper and how long it waits: {@code --socket PATH} (wins over
 * {@code --state-dir}, a separate {@link StateDirOption}) and {@code --timeout DURATION}; before or
 * after the subcommand.
 */
public final class SocketOptions extends SharedOption<SocketOptions> {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The helper's socket, winning over --state-dir. Default: D/run/app.sock or D/run/ne.sock, "
                    + "without --state-dir /run/tunnel-helper/app.sock (app endpoint) or ne.sock (extension endpoint).")
    Path socket;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Connect and per-call timeout, e.g. 5, 500ms, 10s (default: 5s).")
    Duration timeout;

    public SocketOptions() {
        super(SocketOptions.class);
    }

    public Path appSocket(StateDirOption stateDir) {
        return EndpointSockets.appSocket(
                stateDir.stateDir().orElse(null), resolve(o -> o.socket).orElse(null));
    }

    public Path extensionSocket(StateDirOption stateDir) {
        return EndpointSockets.extensionSocket(
                stateDir.stateDir().orElse(null), resolve(o -> o.socket).orElse(null));
    }

    public Duration timeout() {
        return resolve(o -> o.timeout).orElse(DEFAULT_TIMEOUT);
    }
}
