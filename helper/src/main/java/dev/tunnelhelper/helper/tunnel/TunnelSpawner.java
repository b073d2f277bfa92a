package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Spawns tunnels ({@link TunnelProcess#spawn}) on one thread that lives as long as the helper.
 *
 * <p>Why: on Linux the shim's spawn sets {@code PR_SET_PDEATHSIG} in the child so a tunnel never
 * outlives a helper that was killed, even by SIGKILL. But the kernel sends that signal when the
 * <em>thread</em> that forked the child exits, not the process. Spawned from a pooled worker, the
 * tunnel would be killed as soon as the pool retired that idle thread. This executor's one thread
 * is never retired and never shut down, so only the helper's own death takes the tunnel with it.
 */
public final class TunnelSpawner implements TunnelLauncher {
    /** One per process: every session of every helper in this JVM spawns from the same thread. */
    public static final TunnelSpawner INSTANCE = new TunnelSpawner();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(NamedThreads.factory("tunnel-spawner"));

    private TunnelSpawner() {}

    @Override
    public RunningTunnel spawn(Path binary, int tunFd) {
        Future<TunnelProcess> spawned = thread.submit(() -> TunnelProcess.spawn(binary, tunFd));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return spawned.get();
                } catch (InterruptedException e) {
                    // Not abandoned: a child started meanwhile must reach the session, which ends it.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("spawning " + binary + " failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
