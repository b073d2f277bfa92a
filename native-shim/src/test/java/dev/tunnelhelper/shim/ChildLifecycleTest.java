package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/* Also run against the Apple spawn branch (POSIX_SPAWN_CLOEXEC_DEFAULT) in the XPC simulator\'s JVM. */
@Tag("spawn")
@EnabledOnOs(value = OS.LINUX, disabledReason = "inspects the child through /proc")
class ChildLifecycleTest {
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;
    private static final int SIGQUIT = 3;

    private static final long GLIBC_INTERNAL_SIGNALS = (1L << 31) | (1L << 32);

    private static long sigField(String procStatus, String field) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
            }
        }
        throw new AssertionError("no " + field + " in " + procStatus);
    }

    private static ChildProcess spawnSh(String script) {
        return NativeShim.get()
                .spawn(SpawnSpec.builder(Path.of("/bin/sh")).args("-c", script).build());
    }

    @Test
    void exitCodeIsReported() throws Exception {
        ExitStatus status = spawnSh("exit 3").waitFor(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(ExitStatus.exited(3), status);
        assertEquals(3, status.exitCode());
        assertEquals("exit code 3", status.toString());
    }

    @Test
    void deathBySignalIsReported() throws Exception {
        ExitStatus status =
                spawnSh("kill -KILL $$").waitFor(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(ExitStatus.killedBy(SIGKILL), status);
        assertEquals("killed by signal 9 (SIGKILL)", status.toString());
    }

    @Test
    void waitForTimesOutOnARunningChild() throws Exception {
        ChildProcess child = spawnSh("sleep 30");
        long start = System.nanoTime();
        assertEquals(Optional.empty(), child.waitFor(Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - start >= 190_000_000L, "returned before the timeout");
        assertEquals(ExitStatus.killedBy(SIGTERM), child.terminate(Duration.ofSeconds(5)));
    }

    @Test
    void terminateEscalatesToSigkillWhenSigtermIsTrapped() throws Exception {
        try (Pipe ready = Fds.pipe()) {
            ChildProcess child = NativeShim.get()
                    .spawn(SpawnSpec.builder(Path.of("/bin/sh"))
                            .args("-c", "trap '' TERM; echo ready >&3; while :; do sleep 0.05; done")
                            .mapFd(3, ready.writeEnd().get())
                            .build());
            ready.writeEnd().close();
            // Only terminate once the trap is installed, or SIGTERM would win the race.
            assertTrue(Fds.waitReadable(ready.readEnd().get(), Duration.ofSeconds(5)));
            long start = System.nanoTime();
            ExitStatus status = child.terminate(Duration.ofMillis(300));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ExitStatus.killedBy(SIGKILL), status);
            assertTrue(tookMs >= 290, "SIGKILL came before the grace period ended: " + tookMs + " ms");
        }
    }

    @Test
    void terminateOfAnAlreadyDeadChildReturnsItsStatus() throws Exception {
        ChildProcess child = spawnSh("exit 7");
        // Let it die without reaping it: it stays a zombie until terminate reaps it.
        Path stat = Path.of("/proc/" + child.pid() + "/stat");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.readString(stat).contains(") Z ") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(ExitStatus.exited(7), child.terminate(Duration.ofSeconds(1)));
        assertEquals(
                ExitStatus.exited(7), child.terminate(Duration.ofSeconds(1)), "second call uses the recorded status");
        assertEquals(Optional.of(ExitStatus.exited(7)), child.waitFor(Duration.ZERO));
    }

    @Test
    void terminateKillsTheWholeProcessGroup() throws Exception {
        try (Pipe pids = Fds.pipe()) {
            ChildProcess child = NativeShim.get()
                    .spawn(SpawnSpec.builder(Path.of("/bin/sh"))
                            .args("-c", "trap '' TERM; sleep 30 & echo $! >&3; wait")
                            .mapFd(3, pids.writeEnd().get())
                            .build());
            pids.writeEnd().close();
            assertTrue(Fds.waitReadable(pids.readEnd().get(), Duration.ofSeconds(5)));
            byte[] buf = new byte[32];
            int n = Fds.read(pids.readEnd().get(), buf, 0, buf.length);
            long grandchild = Long.parseLong(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim());
            child.terminate(Duration.ofMillis(200));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(ProcessHandle.of(grandchild).map(h -> !h.isAlive()).orElse(true), "grandchild survived");
        }
    }

    @Test
    void childLeadsItsOwnSession() throws Exception {
        try (Pipe hold = Fds.pipe()) {
            // The child blocks reading the pipe, so its /proc entry is stable while we look.
            ChildProcess child = NativeShim.get()
                    .spawn(SpawnSpec.builder(Path.of("/bin/sh"))
                            .args("-c", "read line <&3")
                            .mapFd(3, hold.readEnd().get())
                            .build());
            String stat = Files.readString(Path.of("/proc/" + child.pid() + "/stat"));
            // Fields after the ")" of comm: state ppid pgrp session ...
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals(String.valueOf(child.pid()), f[2], "process group");
            assertEquals(String.valueOf(child.pid()), f[3], "session id");
            assertEquals(ExitStatus.killedBy(SIGTERM), child.terminate(Duration.ofSeconds(5)));
        }
    }

    @Test
    void signalMaskIsClearedEvenWhenTheSpawningThreadBlocksSignals() throws Exception {
        byte[] old = new byte[128];
        assertEquals(0, TestLibc.INSTANCE.pthread_sigmask(TestLibc.SIG_BLOCK, TestLibc.sigset(SIGTERM, SIGQUIT), old));
        try {
            ExitStatus selfKill = spawnSh("kill -TERM $$; exit 0")
                    .waitFor(Duration.ofSeconds(5))
                    .orElseThrow();
            assertEquals(ExitStatus.killedBy(SIGTERM), selfKill, "a blocked SIGTERM would have let the shell exit 0");

            ChildRun status =
                    ChildRun.run(SpawnSpec.builder(Path.of("/bin/cat")).args("/proc/self/status"));
            assertEquals(0L, sigField(status.stdout(), "SigBlk"), status.stdout());
            // glibc's two internal signals (32, 33: thread cancel and setxid) are SIG_IGN after its
            // posix_spawn (the Apple branch in the simulator); no program can handle those, every
            // other one must be default.
            assertEquals(0L, sigField(status.stdout(), "SigIgn") & ~GLIBC_INTERNAL_SIGNALS, status.stdout());
        } finally {
            TestLibc.INSTANCE.pthread_sigmask(TestLibc.SIG_SETMASK, old, null);
        }
    }

    /** A child that exits with {@code code} once the returned pipe's write end is closed. */
    private static ChildProcess exitingWhenReleased(Pipe release, int code) {
        ChildProcess child = NativeShim.get()
                .spawn(SpawnSpec.builder(Path.of("/bin/sh"))
                        .args("-c", "read line <&3; exit " + code)
                        .mapFd(3, release.readEnd().get())
                        .build());
        release.readEnd().close();
        return child;
    }

    private static char processState(int pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void awaitExitReturnsOnceTheChildExitsAndLeavesTheReapingToWaitFor() throws Exception {
        try (Pipe release = Fds.pipe()) {
            ChildProcess child = exitingWhenReleased(release, 5);
            assertFalse(child.awaitExit(Duration.ZERO), "still running");
            release.writeEnd().close();
            assertTrue(child.awaitExit(Duration.ofSeconds(30)));
            assertEquals('Z', processState(child.pid()), "exited, not reaped");
            assertEquals(Optional.of(ExitStatus.exited(5)), child.waitFor(Duration.ZERO));
            assertTrue(child.awaitExit(Duration.ZERO), "reaped: still reported exited");
        }
    }

    @Test
    void awaitExitTimesOutOnARunningChild() throws Exception {
        try (Pipe release = Fds.pipe()) {
            ChildProcess child = exitingWhenReleased(release, 0);
            long start = System.nanoTime();
            assertFalse(child.awaitExit(Duration.ofMillis(200)));
            assertTrue(System.nanoTime() - start >= 190_000_000L, "returned before the timeout");
            assertEquals(ExitStatus.killedBy(SIGTERM), child.terminate(Duration.ofSeconds(5)));
        }
    }

    @Test
    void terminateIsNotKeptWaitingByAThreadInAwaitExit() throws Exception {
        try (Pipe release = Fds.pipe()) {
            ChildProcess child = exitingWhenReleased(release, 0);
            CompletableFuture<Boolean> watcher = new CompletableFuture<>();
            NamedThreads.start("await-exit-60s", () -> {
                try {
                    watcher.complete(child.awaitExit(Duration.ofSeconds(60)));
                } catch (RuntimeException e) {
                    watcher.completeExceptionally(e);
                }
            });
            CompletableFuture<ExitStatus> terminated =
                    CompletableFuture.supplyAsync(() -> child.terminate(Duration.ofSeconds(5)));
            assertEquals(ExitStatus.killedBy(SIGTERM), terminated.get(20, TimeUnit.SECONDS));
            assertTrue(watcher.get(20, TimeUnit.SECONDS), "the watcher saw the exit terminate caused");
        }
    }

    @Test
    void awaitExitSleepsInTheKernelInsteadOfPolling() throws Exception {
        try (Pipe release = Fds.pipe()) {
            ChildProcess child = exitingWhenReleased(release, 0);
            CompletableFuture<Void> waiting = new CompletableFuture<>();
            CompletableFuture<Long> switches = new CompletableFuture<>();
            NamedThreads.start("await-exit-1s", () -> {
                waiting.complete(null);
                child.awaitExit(Duration.ofSeconds(1));
                try {
                    switches.complete(KernelThreads.voluntarySwitches("await-exit-1s"));
                } catch (Exception e) {
                    switches.completeExceptionally(e);
                }
            });
            waiting.get(10, TimeUnit.SECONDS);
            long before = KernelThreads.voluntarySwitches("await-exit-1s");
            // A second in the kernel's wait is one or two switches; checking every few
            // milliseconds, as before, was some fifty.
            assertTrue(switches.get(20, TimeUnit.SECONDS) - before < 10, "woke up while waiting");
            assertEquals(ExitStatus.killedBy(SIGTERM), child.terminate(Duration.ofSeconds(5)));
        }
    }

    @Test
    void missingExecutableIsAClearError(@TempDir Path dir) {
        NativeException e = assertThrows(
                NativeException.class,
                () -> NativeShim.get()
                        .spawn(SpawnSpec.builder(dir.resolve("nope")).build()));
        assertEquals(2, e.errno());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("nope").toString()), e.getMessage());
    }

    @Test
    void nonExecutableFileIsAClearError(@TempDir Path dir) throws Exception {
        Path script = Files.createFile(
                dir.resolve("script.sh"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        NativeException e = assertThrows(
                NativeException.class,
                () -> NativeShim.get().spawn(SpawnSpec.builder(script).build()));
        // root bypasses permission bits for reading but not for exec when no x bit is set.
        assertEquals(13, e.errno());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void unopenedParentFdIsRejectedBeforeSpawning() {
        NativeException e = assertThrows(
                NativeException.class,
                () -> NativeShim.get()
                        .spawn(SpawnSpec.builder(Path.of("/bin/true"))
                                .mapFd(3, 999_999)
                                .build()));
        assertEquals(9, e.errno());
        assertTrue(e.getMessage().contains("not open"), e.getMessage());
    }
}
