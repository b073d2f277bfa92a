package dev.tunnelhelper.cli;

import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Where a client finds the helper and how long it waits: {@code --socket PATH} (wins over
 * {@code --state-dir}, a separate {@link StateDirOption}) and {@code --timeout DURATION}; before or
 * after the subcommand.
 */
public final class SocketOptions extends SharedOption<SocketOptions> {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final String SOCKET = "--socket";
    private static final String SOCKET_LABEL = "PATH";
    private static final String SOCKET_DESCRIPTION =
            "The helper's socket, winning over --state-dir. Default: D/run/app.sock or D/run/ne.sock, "
                    + "without --state-dir /run/tunnel-helper/app.sock (app endpoint) or ne.sock (extension endpoint).";
    private static final String TIMEOUT = "--timeout";
    private static final String TIMEOUT_LABEL = "DURATION";
    private static final String TIMEOUT_DESCRIPTION = "Connect and per-call timeout, e.g. 5, 500ms, 10s (default: 5s).";

    @Option(names = SOCKET, paramLabel = SOCKET_LABEL, description = SOCKET_DESCRIPTION)
    Path socket;

    @Option(
            names = TIMEOUT,
            paramLabel = TIMEOUT_LABEL,
            converter = DurationConverter.class,
            description = TIMEOUT_DESCRIPTION)
    Duration timeout;

    public SocketOptions() {
        super(SocketOptions.class, "socket");
    }

    @Override
    List<OptionSpec> options() {
        return List.of(
                ProgrammaticOptions.option(
                        SOCKET, SOCKET_LABEL, Path.class, SOCKET_DESCRIPTION, () -> socket, v -> socket = v),
                ProgrammaticOptions.option(
                        TIMEOUT,
                        TIMEOUT_LABEL,
                        Duration.class,
                        new DurationConverter(),
                        TIMEOUT_DESCRIPTION,
                        () -> timeout,
                        v -> timeout = v));
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
