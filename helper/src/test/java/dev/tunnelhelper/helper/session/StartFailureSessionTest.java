package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionHarness.await;
import static dev.tunnelhelper.helper.session.SessionPhase.FAILED;
import static dev.tunnelhelper.helper.session.SessionPhase.IDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.session.ScriptedTunnel.Hello;
import dev.tunnelhelper.helper.session.ScriptedTunnel.OnStart;
import dev.tunnelhelper.helper.session.ScriptedTunnel.Script;
import dev.tunnelhelper.shim.OwnedFd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every way a start can fail: the extension's answer names the step, the status carries the same
 * message, the helper is IDLE when the answer comes, no child is left, and the extension is not
 * sent CancelProvider (its start answer says it all).
 */
@Timeout(60)
class StartFailureSessionTest {

    private static void assertCleanFailure(SessionHarness h) {
        List<SessionPhase> phases = h.events.phases();
        assertEquals(List.of(FAILED, IDLE), phases.subList(phases.size() - 2, phases.size()));
        assertTrue(h.owner.cancels.isEmpty(), "a failed start sends no CancelProvider");
    }

    @ParameterizedTest(name = "{1} during {0}")
    @CsvSource({
        "FETCHING_INFO, FETCH_INFO,      fetching build info",
        "FETCHING_INFO, MINIMUM_VERSION, checking the minimum version",
        "DOWNLOADING,   DOWNLOAD,        downloading the tunnel binary",
        "DOWNLOADING,   STORAGE,         storing the binary",
        "VALIDATING,    SIGNATURE,       verifying the binary's signature",
        "VALIDATING,    VERSION_CHECK,   checking the binary's version",
    })
    void anAcquisitionFailureNamesItsStep(AcquisitionPhase phase, Step step, String prefix) {
        SessionHarness h = new SessionHarness();
        h.acquirer.failIn(phase, step, "it went wrong");
        OwnedFd tun = SessionHarness.tun();

        String message = h.failedStart(h.session.start(SessionHarness.params(), tun, h.owner));

        assertEquals(prefix + ": it went wrong", message);
        assertCleanFailure(h);
        assertTrue(h.launcher.spawned.isEmpty(), "nothing was spawned");
        assertFalse(tun.isOpen(), "the TUN descriptor is closed");
    }

    @Test
    void aSpawnFailure() {
        SessionHarness h = new SessionHarness();
        h.launcher.failing("posix_spawn: Exec format error");

        assertEquals("spawning the tunnel: posix_spawn: Exec format error", h.failedStart(h.start()));
        assertCleanFailure(h);
    }

    @Test
    void garbageForAHandshakeLine() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().hello(Hello.GARBAGE));

        assertEquals(
                "handshake with the tunnel: malformed header \"HTTP/1.1 400 Bad Request\": expected 3 space-separated parts, got 4",
                h.failedStart(h.start()));
        assertTrue(h.tunnel().terminated, "the child is terminated");
        assertCleanFailure(h);
    }

    @Test
    void noHandshakeLineInTime() {
        SessionHarness h = new SessionHarness(SessionHarness.settings().handshakeTimeout(Duration.ofMillis(200)));
        h.launcher.script(Script.normal().hello(Hello.SILENT));

        assertEquals(
                "handshake with the tunnel: handshake timed out after 200 ms waiting for the peer's header",
                h.failedStart(h.start()));
        assertCleanFailure(h);
    }

    @Test
    void aTunnelThatExitsBeforeItsHandshakeIsReportedByItsExitStatus() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().hello(Hello.EXIT));

        assertEquals("handshake with the tunnel: tunnel exited: exit code 7", h.failedStart(h.start()));
        assertFalse(h.tunnel().terminated, "it had exited already");
        assertCleanFailure(h);
    }

    @Test
    void theTunnelRefusesTheStart() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().onStart(OnStart.REFUSE));

        assertEquals("starting the tunnel: the tunnel refused: refused by the script", h.failedStart(h.start()));
        assertCleanFailure(h);
    }

    @Test
    void noStartResponseInTime() {
        SessionHarness h = new SessionHarness(SessionHarness.settings().startTimeout(Duration.ofMillis(200)));
        h.launcher.script(Script.normal().onStart(OnStart.HOLD));

        assertEquals("starting the tunnel: no StartResponse within 200 ms", h.failedStart(h.start()));
        assertTrue(h.tunnel().terminated);
        assertCleanFailure(h);
    }

    @Test
    void theExtensionRefusesTheSettingsAndTheTunnelHearsItsReason() {
        SessionHarness h = new SessionHarness();
        FakeExtension refusing = new FakeExtension("refusing").refusing("RTNETLINK answers: File exists");
        CompletableFuture<Void> start = h.session.start(SessionHarness.params(), SessionHarness.tun(), refusing);

        assertEquals(
                "starting the tunnel: the tunnel refused: network settings failed: RTNETLINK answers: File exists",
                h.failedStart(start));
        assertEquals(
                "RTNETLINK answers: File exists",
                await(h.tunnel().settingsAnswered).getErrorMessage(),
                "the extension's own words, not wrapped");
        assertTrue(refusing.cancels.isEmpty());
    }

    @Test
    void anExtensionThatNeverAnswersTheSettingsFailsTheStartAtTheStartTimeout() {
        SessionHarness h = new SessionHarness(SessionHarness.settings().startTimeout(Duration.ofMillis(300)));
        FakeExtension silent = new FakeExtension("silent").holding();
        CompletableFuture<Void> start = h.session.start(SessionHarness.params(), SessionHarness.tun(), silent);

        assertEquals("starting the tunnel: no StartResponse within 300 ms", h.failedStart(start));
        assertTrue(h.tunnel().terminated);
    }

    @Test
    void theTunnelExitsDuringTheStart() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().onStart(OnStart.EXIT));

        assertEquals("starting the tunnel: tunnel exited: exit code 3", h.failedStart(h.start()));
        assertCleanFailure(h);
    }

    @Test
    void theTunnelBreaksTheProtocolDuringTheStart() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().onStart(OnStart.GARBAGE_FRAME));

        String message = h.failedStart(h.start());

        assertTrue(
                message.startsWith(
                        "starting the tunnel: tunnel protocol error: garbage protobuf in a frame of 4 bytes"),
                message);
        assertTrue(h.tunnel().exit().isDone(), "no child is left (it exits as its read pipe ends, or is terminated)");
        assertCleanFailure(h);
    }

    @Test
    void theTunnelClosesItsPipeButStaysAliveDuringTheStart() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().onStart(OnStart.CLOSE_PIPE));

        assertEquals("starting the tunnel: the tunnel closed its pipe but is still running", h.failedStart(h.start()));
        assertTrue(h.tunnel().terminated, "terminated after the grace");
        assertCleanFailure(h);
    }

    @Test
    void aBugInAStartStepFailsTheSessionCleanlyAndTheStartLearnsItWasTheHelpersFault() {
        SessionHarness h = new SessionHarness();
        h.acquirer.breakIn(AcquisitionPhase.DOWNLOADING);
        OwnedFd tun = SessionHarness.tun();

        CompletableFuture<Void> start = h.session.start(SessionHarness.params(), tun, h.owner);

        assertSame(
                h.acquirer.bug,
                SessionHarness.failure(start, IllegalStateException.class),
                "the bug itself, for INTERNAL");
        assertEquals(
                "the helper failed while DOWNLOADING; its log says why",
                h.status().errorMessage());
        assertCleanFailure(h);
        assertFalse(tun.isOpen(), "the TUN descriptor is closed");
        h.acquirer.breakIn(null);
        await(h.start());
    }

    @Test
    void afterAFailureTheNextStartRunsAndClearsTheError() {
        SessionHarness h = new SessionHarness();
        h.launcher.script(Script.normal().onStart(OnStart.REFUSE));
        h.failedStart(h.start());
        h.tunnel();

        h.launcher.script(Script.normal());
        CompletableFuture<Void> again = h.start();
        assertEquals(
                "", h.events.awaitPhase(SessionPhase.FETCHING_INFO).errorMessage(), "a start clears the last failure");
        await(again);
    }
}
