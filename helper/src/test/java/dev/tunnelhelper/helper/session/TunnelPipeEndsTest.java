package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.binary.VerifiedCopy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * However a session ends, the helper closes its ends of the tunnel's two pipes: also when the
 * pipes outlive the tunnel because a process it started inherited them ({@link PipeHeir}), so
 * nothing but the helper's own close can end them. Each case observes the two descriptors the
 * tunnel was spawned with from the other side, not a count of the process's descriptors.
 */
@Timeout(60)
class TunnelPipeEndsTest {
    private static final VerifiedCopy COPY =
            new VerifiedCopy(Path.of("/nonexistent/bin/coder-linux-amd64"), "cd".repeat(32));

    /** Long enough that no handshake here ends by timing out: the handshake's own close would hide the helper's. */
    private final SessionHarness h =
            new SessionHarness(SessionHarness.settings().handshakeTimeout(Duration.ofMinutes(5)));

    private final List<ScriptedTunnel> tunnels = new ArrayList<>();

    TunnelPipeEndsTest() {
        h.launcher.leavingHeirs();
    }

    @AfterEach
    void heirsExit() {
        tunnels.forEach(t -> t.heir.close());
    }

    @Test
    void aStoppedSessionClosesThem() {
        ScriptedTunnel tunnel = tunnel(h.running());

        await(h.session.stop(h.owner));

        assertHelperClosedItsEnds(tunnel);
        assertEquals(SessionPhase.IDLE, h.status().phase());
    }

    @Test
    void aTunnelThatDiesWhileRunningLeavesThemClosed() {
        ScriptedTunnel tunnel = tunnel(h.running());

        tunnel.killedBy(9);

        assertHelperClosedItsEnds(tunnel);
        assertEquals(SessionPhase.IDLE, h.status().phase());
    }

    @Test
    void aRefusedStartClosesThem() {
        h.launcher.script(ScriptedTunnel.Script.normal().onStart(ScriptedTunnel.OnStart.REFUSE));

        String message = h.failedStart(h.start());

        assertEquals("starting the tunnel: the tunnel refused: refused by the script", message);
        assertHelperClosedItsEnds(tunnel(h.tunnel()));
    }

    @Test
    void aFailedHandshakeClosesThemThoughNoSpeakerEverOwnedThem() {
        h.launcher.script(ScriptedTunnel.Script.normal().hello(ScriptedTunnel.Hello.GARBAGE));

        String message = h.failedStart(h.start());

        assertTrue(message.startsWith("handshake with the tunnel: malformed header"), message);
        assertHelperClosedItsEnds(tunnel(h.tunnel()));
    }

    @Test
    void aStopDuringTheHandshakeClosesThem() {
        h.launcher.script(ScriptedTunnel.Script.normal().hello(ScriptedTunnel.Hello.SILENT));
        var started = h.start();
        ScriptedTunnel tunnel = tunnel(h.tunnel());
        h.events.awaitPhase(SessionPhase.HANDSHAKING);

        await(h.session.stop(h.owner));

        assertEquals(
                SessionFailure.STOPPED,
                SessionHarness.failure(started, SessionFailure.class).getMessage());
        assertHelperClosedItsEnds(tunnel);
    }

    @Test
    void aPreparedCopyTheDeploymentReplacedHasThemClosed() {
        h.acquirer
                .offering(COPY)
                .returning(new AcquiredBinary(
                        FakeAcquirer.DOWNLOADED, FakeAcquirer.SERVER_VERSION, "ef".repeat(32), false, true))
                .holdIn(AcquisitionPhase.DOWNLOADING);
        var started = h.start();
        ScriptedTunnel stale = tunnel(h.tunnel());
        await(stale.handshaken);
        await(h.acquirer.holding);

        h.acquirer.release();
        await(started);

        assertHelperClosedItsEnds(stale);
        ScriptedTunnel current = tunnel(h.tunnel());
        assertFalse(current.heir.helperWriteEndClosed.isDone(), "the running tunnel's pipes stay open");
        await(h.session.stop(h.owner));
        assertHelperClosedItsEnds(current);
    }

    @Test
    void aPreparedCopyWhoseHandshakeFailedHasThemClosedWhenTheRecheckFails() {
        h.launcher.script(ScriptedTunnel.Script.normal().hello(ScriptedTunnel.Hello.GARBAGE));
        h.acquirer
                .offering(COPY)
                .failIn(AcquisitionPhase.DOWNLOADING, AcquisitionException.Step.DOWNLOAD, "binary request refused");

        String message = h.failedStart(h.start());

        assertTrue(message.contains("binary request refused"), message);
        assertHelperClosedItsEnds(tunnel(h.tunnel()));
    }

    private ScriptedTunnel tunnel(ScriptedTunnel t) {
        tunnels.add(t);
        return t;
    }

    private static void assertHelperClosedItsEnds(ScriptedTunnel tunnel) {
        await(tunnel.heir.helperWriteEndClosed);
        await(tunnel.heir.helperReadEndClosed);
    }
}
