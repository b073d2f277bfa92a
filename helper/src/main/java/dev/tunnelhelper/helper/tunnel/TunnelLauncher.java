package dev.tunnelhelper.helper.tunnel;

import java.nio.file.Path;

/** Starts the tunnel binary ({@link TunnelProcess#spawn} for real; tests start one in-process). */
@FunctionalInterface
public interface TunnelLauncher {

    /**
     * Spawns {@code binary} with {@code tunFd} as its TUN device; the child gets its own copy of
     * the descriptor, the caller keeps (and closes) {@code tunFd}.
     *
     * @throws RuntimeException (e.g. {@code NativeException}) when the child could not be started
     */
    RunningTunnel spawn(Path binary, int tunFd);
}
