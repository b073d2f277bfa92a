package dev.tunnelhelper.helper.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tunnel dies with the helper (the shim's parent-death signal), but the kernel ties that
 * signal to the thread that spawned it: a session's worker threads come and go, the tunnel must
 * not go with them.
 */
@Timeout(120)
@EnabledOnOs(value = OS.LINUX, disabledReason = "PR_SET_PDEATHSIG and /proc/thread-self are Linux's")
class TunnelSpawnerTest {
    private static final int SIGTERM = 15;

    @TempDir
    Path dir;

    @Test
    void aTunnelSpawnedForAThreadThatThenEndsLivesOn() throws Exception {
        Path binary = dir.resolve("tunnel");
        // SIGTERM must find it alive: a child doomed by the parent-death signal dies of SIGKILL.
        Files.writeString(binary, "#!/bin/sh\nexec sleep 120\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Pipe tun = Fds.pipe()) {
            CompletableFuture<RunningTunnel> spawned = new CompletableFuture<>();
            CompletableFuture<Path> spawningThread = new CompletableFuture<>();
            Thread caller = NamedThreads.start("short-lived-session-worker", () -> {
                try {
                    spawningThread.complete(Files.readSymbolicLink(Path.of("/proc/thread-self")));
                    spawned.complete(
                            TunnelSpawner.INSTANCE.spawn(binary, tun.readEnd().get()));
                } catch (Throwable t) {
                    spawned.completeExceptionally(t);
                }
            });
            RunningTunnel tunnel = spawned.get(60, TimeUnit.SECONDS);
            try {
                caller.join();
                awaitGoneFromTheKernel(Path.of("/proc").resolve(spawningThread.join()));
                assertFalse(tunnel.exit().isDone(), "the tunnel outlived the thread that asked for it");
            } finally {
                ExitStatus status = tunnel.terminate(Duration.ofSeconds(10));
                tunnel.close();
                assertEquals(ExitStatus.killedBy(SIGTERM), status, "it was alive until terminated");
            }
        }
    }

    /** A thread's /proc entry goes only after the kernel has finished its exit, parent-death signals included. */
    private static void awaitGoneFromTheKernel(Path task) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(task)) {
            assertTrue(System.nanoTime() < deadline, task + " is still there");
            Thread.sleep(10);
        }
    }
}
