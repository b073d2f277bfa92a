package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionHarness.await;
import static dev.tunnelhelper.helper.session.SessionPhase.DOWNLOADING;
import static dev.tunnelhelper.helper.session.SessionPhase.FETCHING_INFO;
import static dev.tunnelhelper.helper.session.SessionPhase.HANDSHAKING;
import static dev.tunnelhelper.helper.session.SessionPhase.IDLE;
import static dev.tunnelhelper.helper.session.SessionPhase.RUNNING;
import static dev.tunnelhelper.helper.session.SessionPhase.SPAWNING;
import static dev.tunnelhelper.helper.session.SessionPhase.STARTING;
import static dev.tunnelhelper.helper.session.SessionPhase.STOPPING;
import static dev.tunnelhelper.helper.session.SessionPhase.VALIDATING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.binary.VerifiedCopy;
import dev.tunnelhelper.shim.OwnedFd;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A start whose acquirer finds a copy of the binary it verified before: the copy is spawned and
 * handshaken while the acquisition re-checks it, but it gets the StartRequest (the API token), its
 * messages reach the session and the session reaches RUNNING only when the acquisition returns
 * that very copy. Any other outcome terminates it unused.
 */
@Timeout(60)
class VerifiedCopyStartTest {
    private static final Path INSTALLED = Path.of("/nonexistent/bin/coder-linux-amd64");
    private static final String SHA256 = "cd".repeat(32);
    private static final VerifiedCopy COPY = new VerifiedCopy(INSTALLED, SHA256);
    /** The deployment answered 304 and its version is the one the copy reported. */
    private static final AcquiredBinary CONFIRMED =
            new AcquiredBinary(INSTALLED, FakeAcquirer.SERVER_VERSION, SHA256, false, false);

    private final SessionHarness h = new SessionHarness();

    @Test
    void theCopyRunsBeforeTheRecheckEndsButGetsTheStartRequestOnlyOnceItIsConfirmed() {
        h.acquirer.offering(COPY).returning(CONFIRMED).holdIn(AcquisitionPhase.FETCHING_INFO);
        OwnedFd tun = SessionHarness.tun();
        CompletableFuture<Void> started = h.session.start(SessionHarness.params(), tun, h.owner);

        ScriptedTunnel early = h.tunnel();
        await(early.handshaken);
        await(h.acquirer.holding);
        assertEquals(INSTALLED, h.launcher.binaries.poll());
        assertFalse(early.startReceived.isDone(), "no StartRequest, so no token, before the copy is confirmed");
        assertFalse(started.isDone());
        assertEquals(FETCHING_INFO, h.status().phase());
        assertTrue(tun.isOpen(), "the helper keeps its TUN copy while the child may still be refused");

        h.acquirer.release();
        await(started);

        assertEquals(SessionHarness.TOKEN, await(early.startReceived).getApiToken());
        assertEquals(
                List.of(IDLE, FETCHING_INFO, DOWNLOADING, VALIDATING, SPAWNING, HANDSHAKING, STARTING, RUNNING),
                h.events.phases(),
                "the same phases, in the same order, as a start that spawns after the acquisition");
        assertFalse(tun.isOpen(), "closed once the confirmed child holds its own");
        assertNull(h.launcher.spawned.poll(), "one child only");
    }

    @Test
    void aCopyTheDeploymentReplacedIsTerminatedUnusedAndTheNewBinaryRuns() {
        Path downloaded = FakeAcquirer.DOWNLOADED;
        h.acquirer
                .offering(COPY)
                .returning(new AcquiredBinary(downloaded, FakeAcquirer.SERVER_VERSION, "ef".repeat(32), false, true))
                .holdIn(AcquisitionPhase.DOWNLOADING);
        OwnedFd tun = SessionHarness.tun();
        int number = tun.get();
        CompletableFuture<Void> started = h.session.start(SessionHarness.params(), tun, h.owner);
        ScriptedTunnel stale = h.tunnel();
        await(stale.handshaken);
        await(h.acquirer.holding);

        h.acquirer.release();
        await(started);

        ScriptedTunnel current = h.tunnel();
        await(stale.terminating);
        assertTrue(stale.terminated);
        assertFalse(stale.startReceived.isDone(), "the replaced copy never got the token");
        assertEquals(SessionHarness.TOKEN, await(current.startReceived).getApiToken());
        assertEquals(List.of(INSTALLED, downloaded), List.copyOf(h.launcher.binaries));
        assertEquals(List.of(number, number), List.copyOf(h.launcher.tunFds), "the new child got the same device");
        assertFalse(tun.isOpen());
    }

    @Test
    void aFailedRecheckTerminatesTheCopyUnusedAndFailsTheStart() {
        h.acquirer
                .offering(COPY)
                .failIn(AcquisitionPhase.DOWNLOADING, AcquisitionException.Step.DOWNLOAD, "binary request refused");
        OwnedFd tun = SessionHarness.tun();
        CompletableFuture<Void> started = h.session.start(SessionHarness.params(), tun, h.owner);

        String message = h.failedStart(started);

        ScriptedTunnel early = h.tunnel();
        await(early.terminating);
        assertTrue(message.contains("binary request refused"), message);
        assertFalse(early.startReceived.isDone(), "the copy the deployment did not confirm never got the token");
        assertFalse(tun.isOpen(), "released at IDLE");
        assertNull(h.launcher.spawned.poll());
    }

    @Test
    void aStopDuringTheRecheckTerminatesTheCopy() {
        h.acquirer.offering(COPY).returning(CONFIRMED).holdIn(AcquisitionPhase.FETCHING_INFO);
        CompletableFuture<Void> started = h.start();
        ScriptedTunnel early = h.tunnel();
        await(early.handshaken);
        await(h.acquirer.holding);

        await(h.session.stop(h.owner));

        await(h.acquirer.interrupted);
        await(early.terminating);
        assertFalse(early.startReceived.isDone());
        assertEquals(
                SessionFailure.STOPPED,
                SessionHarness.failure(started, SessionFailure.class).getMessage());
        assertEquals(List.of(IDLE, FETCHING_INFO, STOPPING, IDLE), h.events.phases());
    }

    @Test
    void aCopyThatCannotBeSpawnedFailsTheStartOnlyOnceConfirmedAsASpawnWould() {
        h.launcher.failing("exec format error");
        h.acquirer.offering(COPY).returning(CONFIRMED);

        String message = h.failedStart(h.start());

        assertEquals("spawning the tunnel: exec format error", message);
        assertEquals(
                List.of(IDLE, FETCHING_INFO, DOWNLOADING, VALIDATING, SPAWNING, SessionPhase.FAILED, IDLE),
                h.events.phases());
    }
}
