package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
    private FaultScene scene(String fault) throws Exception {
        return new FaultScene(dir, SUBNET, HelperFixture.faulty(HelperFixture.tunnel(SUBNET), fault), c -> c);
    }

    @Test
    void dyingDuringTheHandshakeFailsTheStartNamingTheStepAndTheExitStatus() throws Exception {
        try (FaultScene s = scene("die-in-handshake")) {
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
        try (FaultScene s = scene("die-during-settings")) {
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
        try (FaultScene s = scene("die-before-start-reply")) {
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
        try (FaultScene s = scene("die-mid-peer-update")) {
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
        try (FaultScene s = scene("die-during-stop")) {
            assertTrue(s.ne.start(s.tun.fd()).getSuccess());
            int pid = s.tunnelPid();
            assertTrue(s.ne.stop().getSuccess(), "the stop the extension asked for happened");
            s.assertEndedCleanly(pid, ExitStatus.exited(8));
            assertEquals(0, s.ne.cancels.size(), "no CancelProvider for a stop the extension asked for");
            s.assertTheNextStartSucceeds();
        }
    }
}
