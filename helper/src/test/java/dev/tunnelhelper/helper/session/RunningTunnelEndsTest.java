package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionHarness.await;
import static dev.tunnelhelper.helper.session.SessionPhase.FAILED;
import static dev.tunnelhelper.helper.session.SessionPhase.IDLE;
import static dev.tunnelhelper.helper.session.SessionPhase.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A running tunnel that ends on its own: the owner is sent CancelProvider with the reason (once
 * the helper is IDLE), the status shows FAILED then IDLE with the same reason, and the next
 * start works.
 */
@Timeout(60)
class RunningTunnelEndsTest {
    private final SessionHarness h = new SessionHarness();

    private String cancelAfterIdle() throws InterruptedException {
        String reason = h.owner.cancels.poll(30, TimeUnit.SECONDS);
        assertEquals(IDLE, h.status().phase(), "CancelProvider comes once the helper is idle");
        List<SessionPhase> phases = h.events.phases();
        assertEquals(List.of(RUNNING, FAILED, IDLE), phases.subList(phases.size() - 3, phases.size()));
        assertEquals(reason, h.status().errorMessage(), "the status says what the extension was told");
        return reason;
    }

    @Test
    void aTunnelThatExitsIsReportedWithItsExitCode() throws Exception {
        h.running().exitWith(3);

        assertEquals("tunnel exited: exit code 3", cancelAfterIdle());
        await(h.start());
        assertEquals(RUNNING, h.status().phase(), "ready for the next start");
        assertEquals("", h.status().errorMessage());
    }

    @Test
    void aTunnelKilledBySomeoneElseIsReportedWithTheSignal() throws Exception {
        h.running().killedBy(9);

        assertEquals("tunnel exited: killed by signal 9 (SIGKILL)", cancelAfterIdle());
    }

    @Test
    void aTunnelThatBreaksTheProtocolIsTerminated() throws Exception {
        ScriptedTunnel tunnel = h.running();
        tunnel.sendGarbage();

        String reason = cancelAfterIdle();

        assertTrue(reason.startsWith("tunnel protocol error: garbage protobuf in a frame of 4 bytes"), reason);
        assertTrue(tunnel.exit().isDone(), "no child is left (it exits as its read pipe ends, or is terminated)");
    }

    @Test
    void aTunnelThatClosesItsPipeButLivesOnIsTerminatedAfterTheGrace() throws Exception {
        ScriptedTunnel tunnel = h.running();
        tunnel.closePipeAndHang();

        assertEquals("the tunnel closed its pipe but is still running", cancelAfterIdle());
        assertTrue(tunnel.terminated);
    }

    @Test
    void peerStateFromATunnelThatDoesNotAnswerIsUnavailable() {
        SessionHarness quiet =
                new SessionHarness(SessionHarness.settings().rpcTimeout(java.time.Duration.ofMillis(200)));
        quiet.launcher.script(ScriptedTunnel.Script.normal().silentOnQueries());
        quiet.running();

        TunnelUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(
                TunnelUnavailableException.class, quiet.session::peerState);

        assertTrue(
                e.getMessage().startsWith("the tunnel did not answer: no reply from tunnel to request "),
                e.getMessage());
        assertEquals(RUNNING, quiet.status().phase(), "an unanswered query ends nothing");
    }
}
