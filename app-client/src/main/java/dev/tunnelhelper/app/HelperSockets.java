package dev.tunnelhelper.app;

import java.nio.file.Path;

/** Where the app endpoint lives: {@code --socket} wins, then {@code <state-dir>/run/app.sock}, then the system default. */
public final class HelperSockets {
    /** The system service's socket on Linux (ARCHITECTURE §6). */
    public static final Path DEFAULT_APP_SOCKET = Path.of("/run/tunnel-helper/app.sock");

    private HelperSockets() {
    }

    public static Path appSocket(Path stateDir, Path socket) {
        if (socket != null) {
            return socket;
        }
        if (stateDir != null) {
            return stateDir.resolve("run").resolve("app.sock");
        }
        return DEFAULT_APP_SOCKET;
    }
}
