package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tunnel dies at each phase of a session (the reference tunnel's {@code die-*} faults). Each
 * time the user sees the documented outcome — the StartDaemon caller gets the error naming the
 * step and the exit status, or the extension gets CancelProvider; the apps see FAILED, then IDLE —
 * the child is reaped, no descriptor or thread of the session is left, and the next start works.
 */
@Timeout(300)
@RequiresRootAndTun
class TunnelDiesTest {
    private static final String SUBNET = "100.132";

    @TempDir
    Path dir;

    /** One session with the faulty tunnel, seen by an extension and a subscribed app. */
    private final class Scene implements AutoCloseable {
        final HelperFixture f;
        final HelperFixture.Extension ne;
        final TunDevice tun;
        final RecordingListener events = new RecordingListener();
        final List<SessionState> appStates = new CopyOnWriteArrayList<>();
        final List<String> appErrors = new CopyOnWriteArrayList<>();
        final Set<String> fdsBefore;

        Scene(String fault) throws Exception {
            f = HelperFixture.start(dir, HelperFixture.faulty(HelperFixture.tunnel(SUBNET), fault));
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
            assertEquals(
                    status,
                    events.await(RecordingListener.ChildExited.class, e -> e.pid() == pid)
                            .status());
            events.awaitPhase(SessionPhase.IDLE);
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the child is reaped, not a zombie");
            for (String thread : List.of("tunnel-reaper-" + pid, "tunnel-output-" + pid)) {
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().equals(thread)) {
                        t.join(TimeUnit.SECONDS.toMillis(30));
                        assertFalse(t.isAlive(), thread + " still runs");
                    }
                }
            }
            awaitNoDescriptorAdded(fdsBefore);
        }

        /** What the apps were pushed ends with FAILED (with {@code error}), then IDLE. */
        void assertAppsSawTheFailure(String error) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (appStates.lastIndexOf(SessionState.SESSION_STATE_IDLE)
                            < appStates.lastIndexOf(SessionState.SESSION_STATE_FAILED)
                    || !appStates.contains(SessionState.SESSION_STATE_FAILED)) {
                assertTrue(System.nanoTime() < deadline, "pushed states: " + appStates);
                Thread.sleep(20);
            }
            assertEquals(error, appErrors.get(appStates.lastIndexOf(SessionState.SESSION_STATE_FAILED)));
        }

        /** A healthy tunnel from the same deployment directory (same key) starts at once. */
        void assertTheNextStartSucceeds() throws Exception {
            try (DeploymentServer healthy = DeploymentServer.start(DeploymentOptions.builder(
                                    dir.resolve("deployment"),
                                    BinarySource.bytes(
                                            "reference tunnel", TunnelLauncher.script(HelperFixture.tunnel(SUBNET))))
                            .build());
                    TunDevice next = TunDevice.open(null)) {
                Result started = ne.start(
                        f.startRequest().toBuilder().setAccessUrl(healthy.url()).build(), next.fd());
                assertTrue(started.getSuccess(), started.toString());
                assertTrue(ne.stop().getSuccess());
            }
        }

        @Override
        public void close() throws Exception {
            f.close();
        }
    }

    @Test
    void dyingDuringTheHandshakeFailsTheStartNamingTheStepAndTheExitStatus() throws Exception {
        try (Scene s = new Scene("die-in-handshake")) {
            Result start = s.ne.start(s.tun.fd());
            String error = "handshake with the tunnel: tunnel exited: exit code 9";
            assertEquals(Result.newBuilder().setErrorMessage(error).build(), start);
            s.assertEndedCleanly(s.tunnelPid(), ExitStatus.exited(9));
            s.assertAppsSawTheFailure(error);
            assertEquals(0, s.ne.cancels.size(), "a start that failed is answered, not cancelled");
            s.assertTheNextStartSucceeds();
        }
    }

    @Test
    void dyingWhileTheExtensionAppliesTheSettingsFailsTheStart() throws Exception {
        try (Scene s = new Scene("die-during-settings")) {
            Result start = s.ne.start(s.tun.fd());
            String error = "starting the tunnel: tunnel exited: exit code 4";
            assertEquals(Result.newBuilder().setErrorMessage(error).build(), start);
            s.assertEndedCleanly(s.tunnelPid(), ExitStatus.exited(4));
            s.assertAppsSawTheFailure(error);
            s.assertTheNextStartSucceeds();
        }
    }

    @Test
    void dyingBeforeTheStartReplyFailsTheStart() throws Exception {
        try (Scene s = new Scene("die-before-start-reply")) {
            Result start = s.ne.start(s.tun.fd());
            String error = "starting the tunnel: tunnel exited: exit code 5";
            assertEquals(Result.newBuilder().setErrorMessage(error).build(), start);
            s.assertEndedCleanly(s.tunnelPid(), ExitStatus.exited(5));
            s.assertAppsSawTheFailure(error);
            s.assertTheNextStartSucceeds();
        }
    }

    @Test
    void dyingHalfwayThroughAPeerUpdateCancelsTheProvider() throws Exception {
        try (Scene s = new Scene("die-mid-peer-update")) {
            assertTrue(s.ne.start(s.tun.fd()).getSuccess());
            int pid = s.tunnelPid();
            String reason = s.ne.cancels.poll(60, TimeUnit.SECONDS);
            assertEquals("tunnel exited: exit code 6", reason);
            s.assertEndedCleanly(pid, ExitStatus.exited(6));
            s.assertAppsSawTheFailure(reason);
            s.assertTheNextStartSucceeds();
        }
    }

    @Test
    void dyingDuringTheStopStillEndsTheSessionCleanly() throws Exception {
        try (Scene s = new Scene("die-during-stop")) {
            assertTrue(s.ne.start(s.tun.fd()).getSuccess());
            int pid = s.tunnelPid();
            assertTrue(s.ne.stop().getSuccess(), "the stop the extension asked for happened");
            s.assertEndedCleanly(pid, ExitStatus.exited(8));
            assertEquals(0, s.ne.cancels.size(), "no CancelProvider for a stop the extension asked for");
            s.assertTheNextStartSucceeds();
        }
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
