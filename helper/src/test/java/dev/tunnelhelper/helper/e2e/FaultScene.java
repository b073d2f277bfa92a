package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import dev.tunnelhelper.testbed.tunnel.TunnelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One session that something goes wrong in (a faulty tunnel, an extension that leaves), seen by
 * an extension and a subscribed app, with the means to check that it ended cleanly: the child
 * reaped, its threads and the session's descriptors gone, the apps told, the next start working.
 * Root + TUN: the tunnel is the real reference tunnel.
 */
final class FaultScene implements AutoCloseable {
    final HelperFixture f;
    final HelperFixture.Extension ne;
    final TunDevice tun;
    final RecordingListener events = new RecordingListener();
    final List<SessionState> appStates = new CopyOnWriteArrayList<>();
    final List<String> appErrors = new CopyOnWriteArrayList<>();
    final Set<String> fdsBefore;
    private final Path dir;
    private final String subnet;

    FaultScene(Path dir, String subnet, TunnelSettings tunnel, UnaryOperator<HelperConfig> tweak) throws Exception {
        this.dir = dir;
        this.subnet = subnet;
        f = HelperFixture.start(dir, tunnel, tweak);
        f.helper.addListener(events);
        f.app(in -> {
                    if (in.message().hasStatus()) {
                        appStates.add(in.message().getStatus().getState());
                        appErrors.add(in.message().getStatus().getErrorMessage());
                    }
                })
                .call(
                        AppMessage.newBuilder()
                                .setSubscribe(Subscribe.getDefaultInstance())
                                .build(),
                        HelperFixture.WAIT);
        ne = f.extension();
        tun = f.tun();
        fdsBefore = openFds();
    }

    int tunnelPid() {
        return events.await(RecordingListener.ChildSpawned.class, e -> true).pid();
    }

    /** The child was reaped with {@code status}, the helper is IDLE, and nothing of the session is left. */
    void assertEndedCleanly(int pid, ExitStatus status) throws Exception {
        assertEquals(status, assertReapedCleanly(pid));
    }

    /** The child was reaped, the helper is IDLE, and nothing of the session is left; returns the child's status. */
    ExitStatus assertReapedCleanly(int pid) throws Exception {
        ExitStatus status = events.await(RecordingListener.ChildExited.class, e -> e.pid() == pid)
                .status();
        events.awaitPhase(SessionPhase.IDLE);
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the child is reaped, not a zombie");
        for (String thread : List.of("tunnel-reaper-" + pid, "tunnel-output-" + pid)) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(thread)) {
                    assertTrue(NamedThreads.awaitFree(t, Duration.ofSeconds(30)), thread + " still runs");
                }
            }
        }
        awaitNoDescriptorAdded(fdsBefore);
        return status;
    }

    /** What the apps were pushed ends with FAILED (with {@code error}), then IDLE. */
    void assertAppsSawTheFailure(String error) throws InterruptedException {
        awaitAppState(() -> appStates.contains(SessionState.SESSION_STATE_FAILED)
                && appStates.lastIndexOf(SessionState.SESSION_STATE_IDLE)
                        > appStates.lastIndexOf(SessionState.SESSION_STATE_FAILED));
        assertEquals(error, appErrors.get(appStates.lastIndexOf(SessionState.SESSION_STATE_FAILED)));
    }

    /** What the apps were pushed ends with STOPPING, then IDLE without an error, and never FAILED. */
    void assertAppsSawAStop() throws InterruptedException {
        awaitAppState(() -> appStates.contains(SessionState.SESSION_STATE_STOPPING)
                && appStates.lastIndexOf(SessionState.SESSION_STATE_IDLE)
                        > appStates.lastIndexOf(SessionState.SESSION_STATE_STOPPING));
        assertFalse(appStates.contains(SessionState.SESSION_STATE_FAILED), "pushed states: " + appStates);
        assertEquals("", appErrors.get(appErrors.size() - 1));
    }

    private void awaitAppState(java.util.function.BooleanSupplier reached) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!reached.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "pushed states: " + appStates);
            Thread.sleep(20);
        }
    }

    /** A healthy tunnel from the same deployment directory (same key) starts at once for {@code by}. */
    void assertTheNextStartSucceeds(HelperFixture.Extension by) throws Exception {
        try (DeploymentServer healthy = DeploymentServer.start(DeploymentOptions.builder(
                                dir.resolve("deployment"),
                                BinarySource.bytes(
                                        "reference tunnel", TunnelLauncher.script(HelperFixture.tunnel(subnet))))
                        .build());
                TunDevice next = TunDevice.open(null)) {
            Result started = by.start(
                    f.startRequest().toBuilder().setAccessUrl(healthy.url()).build(), next.fd());
            assertTrue(started.getSuccess(), started.toString());
            assertTrue(by.stop().getSuccess());
        }
    }

    void assertTheNextStartSucceeds() throws Exception {
        assertTheNextStartSucceeds(ne);
    }

    @Override
    public void close() throws Exception {
        f.close();
    }

    private static Set<String> openFds() throws IOException {
        Set<String> fds = new HashSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : entries.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    // The session's own: the tunnel's pipes and the helper's copy of the TUN device
                    // (pooled HTTP connections to the deployment may rightly stay open).
                    if (target.toString().startsWith("pipe:")
                            || target.toString().equals("/dev/net/tun")) {
                        fds.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // closed while listing
                }
            }
        }
        return fds;
    }

    /** The session's pipes are released right after IDLE, on a worker: give that a moment, then nothing may be left. */
    private static void awaitNoDescriptorAdded(Set<String> before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<String> added = openFds();
            added.removeAll(before);
            if (added.isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "descriptors left by the session: " + added);
            Thread.sleep(20);
        }
    }
}
