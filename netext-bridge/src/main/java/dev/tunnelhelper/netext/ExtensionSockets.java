package dev.tunnelhelper.netext;

import java.nio.file.Path;

/** Where the extension endpoint lives: {@code --socket} wins, then {@code <state-dir>/run/ne.sock}, then the system default. */
public final class ExtensionSockets {
    public static final Path DEFAULT_NE_SOCKET = Path.of("/run/tunnel-helper/ne.sock");

    private ExtensionSockets() {
    }

    public static Path neSocket(Path stateDir, Path socket) {
        if (socket != null) {
            return socket;
        }
        if (stateDir != null) {
            return stateDir.resolve("run").resolve("ne.sock");
        }
        return DEFAULT_NE_SOCKET;
    }
}
