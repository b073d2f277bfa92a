package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.session.ErrorLog;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.protocol.SpeakerClosedException;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network extension disconnects in the middle of a call: while the helper waits for its
 * answer to ApplyNetworkSettings during a start, while its StartDaemon is still unanswered, and
 * while its StopDaemon is in flight. Each time the session stops cleanly (no failure: the owner
 * leaving is a stop), the tunnel is terminated and reaped, the apps see STOPPING then IDLE, no
 * pipe, TUN descriptor or tunnel thread is left, nothing is logged as an error, and the next
 * extension starts a session at once.
 */
@Timeout(300)
@RequiresRootAndTun
class ExtensionLeavesTest {
    private static final String SUBNET = "100.137";
    /** How the reference tunnel (a JVM) ends on the helper's SIGTERM, or on its SIGKILL when slow to. */
    private static final List<ExitStatus> TERMINATED = List.of(ExitStatus.exited(128 + 15), ExitStatus.killedBy(9));

    @TempDir
    Path dir;

    private FaultScene scene(String fault) throws Exception {
        return new FaultScene(
                dir,
                SUBNET,
                HelperFixture.faulty(HelperFixture.tunnel(SUBNET), fault),
                c -> c.toBuilder()
                        .tunnel(HelperFixture.timeouts()
                                .stopTimeoutMillis(1_000)
                                .killGraceMillis(500)
                                .build())
                        .build());
    }

    /** The extension's StartDaemon, sent from a thread of its own: the test leaves while it is in flight. */
    private static CompletableFuture<Result> startInBackground(FaultScene s) {
        CompletableFuture<Result> start = new CompletableFuture<>();
        NamedThreads.start("test-extension-start", () -> {
            try {
                start.complete(s.ne.start(s.tun.fd()));
            } catch (IOException | RuntimeException e) {
                start.completeExceptionally(e);
            }
        });
        return start;
    }

    /** The leaving extension's own call ends with its speaker closed, not with an answer. */
    private static void assertCallEndedWithTheConnection(CompletableFuture<?> call) {
        ExecutionException ended = assertThrows(ExecutionException.class, () -> call.get(60, TimeUnit.SECONDS));
        assertInstanceOf(SpeakerClosedException.class, ended.getCause());
    }

    /** Stopped, not failed; reaped; apps told; nothing left; nobody logged an error; the next extension starts. */
    private static void assertStoppedCleanly(FaultScene s, int pid, List<ExitStatus> terminated, ErrorLog errors)
            throws Exception {
        ExitStatus status = s.assertReapedCleanly(pid);
        assertTrue(terminated.contains(status), "terminated by the helper, not " + status);
        s.assertAppsSawAStop();
        assertEquals("", s.f.helper.session().status().join().errorMessage(), "the owner leaving is a stop");
        assertEquals(List.of(), errors.drain(), "the extension leaving is no error of the helper's");
        s.assertTheNextStartSucceeds(s.f.extension());
    }

    @Test
    void leavingWhileTheHelperWaitsForTheSettingsAnswerStopsTheStart() throws Exception {
        ErrorLog errors = ErrorLog.capture();
        try (FaultScene s = scene("none")) {
            s.ne.answersSettings = false;
            CompletableFuture<Result> start = startInBackground(s);
            assertNotNull(s.ne.settings.poll(60, TimeUnit.SECONDS), "the tunnel's settings reached the extension");
            int pid = s.tunnelPid();

            s.ne.speaker.close();

            assertCallEndedWithTheConnection(start);
            assertStoppedCleanly(s, pid, TERMINATED, errors);
        } finally {
            errors.release();
        }
    }

    @Test
    void leavingWhileTheStartIsUnansweredStopsTheStart() throws Exception {
        ErrorLog errors = ErrorLog.capture();
        try (FaultScene s = scene("stall-start")) {
            CompletableFuture<Result> start = startInBackground(s);
            int pid = s.tunnelPid();
            s.events.awaitPhase(SessionPhase.STARTING);

            s.ne.speaker.close();

            assertCallEndedWithTheConnection(start);
            assertStoppedCleanly(s, pid, TERMINATED, errors);
        } finally {
            errors.release();
        }
    }

    @Test
    void leavingWithItsStopInFlightStillEndsTheSession() throws Exception {
        ErrorLog errors = ErrorLog.capture();
        try (FaultScene s = scene("ignore-stop")) {
            assertTrue(s.ne.start(s.tun.fd()).getSuccess());
            int pid = s.tunnelPid();
            CompletableFuture<HelperExtensionMessage> stop = s.ne.speaker.request(
                    ExtensionMessage.newBuilder()
                            .setStopDaemon(StopDaemon.getDefaultInstance())
                            .build(),
                    HelperFixture.WAIT);
            s.events.awaitPhase(SessionPhase.STOPPING);

            s.ne.speaker.close();

            assertCallEndedWithTheConnection(stop);
            // The tunnel ignores the stop and SIGTERM: only the SIGKILL after the grace ends it.
            assertStoppedCleanly(s, pid, List.of(ExitStatus.killedBy(9)), errors);
        } finally {
            errors.release();
        }
    }
}
