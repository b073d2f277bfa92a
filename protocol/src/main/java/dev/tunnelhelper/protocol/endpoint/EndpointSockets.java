package dev.tunnelhelper.protocol.endpoint;

import java.nio.file.Path;

/**
 * Where the helper's endpoints live (docs/protocol.md §2): {@code --socket PATH} wins, then
 * {@code <state-dir>/run/<name>}, then the system service's {@code /run/tunnel-helper/<name>}.
 * The helper binds these paths and every client looks them up here, so they cannot drift apart.
 */
public final class EndpointSockets {
    public static final Path DEFAULT_DIRECTORY = Path.of("/run/tunnel-helper");
    public static final String APP = "app.sock";
    public static final String EXTENSION = "ne.sock";

    private EndpointSockets() {}

    /** The socket directory under a state dir. */
    public static Path directory(Path stateDir) {
        return stateDir.resolve("run");
    }

    public static Path appSocket(Path stateDir, Path socket) {
        return resolve(stateDir, socket, APP);
    }

    public static Path extensionSocket(Path stateDir, Path socket) {
        return resolve(stateDir, socket, EXTENSION);
    }

    private static Path resolve(Path stateDir, Path socket, String name) {
        if (socket != null) {
            return socket;
        }
        return (stateDir != null ? directory(stateDir) : DEFAULT_DIRECTORY).resolve(name);
    }
}
