package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionHarness.await;
import static dev.tunnelhelper.helper.session.SessionHarness.failure;
import static dev.tunnelhelper.helper.session.SessionPhase.HANDSHAKING;
import static dev.tunnelhelper.helper.session.SessionPhase.IDLE;
import static dev.tunnelhelper.helper.session.SessionPhase.RUNNING;
import static dev.tunnelhelper.helper.session.SessionPhase.SPAWNING;
import static dev.tunnelhelper.helper.session.SessionPhase.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.session.ScriptedTunnel.Hello;
import dev.tunnelhelper.helper.session.ScriptedTunnel.OnStart;
import dev.tunnelhelper.helper.session.ScriptedTunnel.OnStop;
import dev.tunnelhelper.helper.session.ScriptedTunnel.Script;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.shim.OwnedFd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What two things at once do to a session. Each race is set up by holding one side where it
 * would be in the real world (an acquisition in a phase, a spawn, an unanswered request) and
 * letting the other happen, in both orders where both are possible.
 */
@Timeout(60)
class SessionRaceTest {
    private final SessionHarness h = new SessionHarness();

    /** A stop that abandoned a start: the start says so, the stop completes at IDLE, and nobody is told to cancel. */
    private void assertAbandoned(CompletableFuture<Void> start, CompletableFuture<Void> stop) {
        assertEquals(
                SessionFailure.STOPPED, failure(start, SessionFailure.class).getMessage());
        await(stop);
        assertEquals(SessionStatus.idle(""), h.status(), "a stop is no failure");
        List<SessionPhase> phases = h.events.phases();
        assertEquals(List.of(STOPPING, IDLE), phases.subList(phases.size() - 2, phases.size()));
        assertTrue(h.owner.cancels.isEmpty(), "a provider that never ran is not cancelled");
    }

    /**
     * Found by HostileTunnelFuzzTest: the exit came while running, before the pipe ended (the
     * session waits a grace for the pipe), then a stop cancelled that wait; the tunnel answered
     * the stop, and nothing was left to end the run, so the session stayed STOPPING for good. The
     * grace here outlasts the test: only the stop's answer can end the run.
     */
    @Test
    void aStopAfterTheTunnelsExitButBeforeTheEndOfItsPipeEndsTheRun() {
        SessionHarness patient = new SessionHarness(SessionHarness.settings().killGrace(Duration.ofHours(1)));
        ScriptedTunnel tunnel = patient.running();
        tunnel.exitLeavingPipesOpen(0);
        patient.events.await(RecordingListener.ChildExited.class, e -> true);

        await(patient.session.stop(patient.owner));

        assertEquals(SessionPhase.IDLE, patient.status().phase());
        assertEquals(1, tunnel.stops.get(), "the stop was sent to the tunnel, whose pipe was still open");
    }

    @ParameterizedTest(name = "during {0}")
    @EnumSource(AcquisitionPhase.class)
    void aStopDuringTheAcquisitionInterruptsIt(AcquisitionPhase phase) {
        h.acquirer.holdIn(phase);
        OwnedFd tun = SessionHarness.tun();
        CompletableFuture<Void> start = h.session.start(SessionHarness.params(), tun, h.owner);
        await(h.acquirer.holding);

        CompletableFuture<Void> stop = h.session.stop(h.owner);

        await(h.acquirer.interrupted);
        assertAbandoned(start, stop);
        assertTrue(h.launcher.spawned.isEmpty(), "nothing was spawned");
        assertFalse(tun.isOpen());
    }

    @Test
    void aStopFromElsewhereDuringAStartOnlyFailsTheOwnersStart() {
        h.acquirer.holdIn(AcquisitionPhase.VALIDATING);
        CompletableFuture<Void> start = h.start();
        await(h.acquirer.holding);

        assertAbandoned(start, h.session.stop(new FakeExtension("other")));
    }

    @Test
    void aStopDuringTheSpawnWaitsForTheChildAndTerminatesIt() {
        h.launcher.holding();
        CompletableFuture<Void> start = h.start();
        await(h.launcher.holding);
        assertEquals(SPAWNING, h.status().phase());

        CompletableFuture<Void> stop = h.session.stop(h.owner);
        h.events.awaitPhase(STOPPING);
        h.launcher.release();

        assertAbandoned(start, stop);
        assertTrue(h.tunnel().terminated);
        List<RecordingListener.Event> history = h.events.history();
        int exited = history.indexOf(
                h.events.all(RecordingListener.ChildExited.class).get(0));
        int idle = history.lastIndexOf(new RecordingListener.StateChanged(SessionStatus.idle("")));
        assertTrue(exited < idle, "IDLE only once the child being spawned has been ended: " + history);
    }

    @Test
    void aStopDuringTheHandshakeTerminatesTheChild() {
        h.launcher.script(Script.normal().hello(Hello.SILENT));
        CompletableFuture<Void> start = h.start();
        h.events.awaitPhase(HANDSHAKING);

        assertAbandoned(start, h.session.stop(h.owner));
        assertTrue(h.tunnel().exit().isDone());
    }

    @Test
    void aStopWhileTheStartIsUnansweredTerminatesTheChildWithoutAStopRequest() {
        h.launcher.script(Script.normal().onStart(OnStart.HOLD));
        CompletableFuture<Void> start = h.start();
        ScriptedTunnel tunnel = h.tunnel();
        await(tunnel.startReceived);

        assertAbandoned(start, h.session.stop(h.owner));
        assertTrue(tunnel.terminated);
        assertEquals(0, tunnel.stops.get());
    }

    /** The child answers while the stop is terminating it (its SIGTERM handler is slow); whenever the answer lands, the stop wins. */
    @Test
    void aStartResponseThatArrivesAfterTheStopChangesNothing() throws Exception {
        h.launcher.script(Script.normal().onStart(OnStart.HOLD));
        CompletableFuture<Void> start = h.start();
        ScriptedTunnel tunnel = h.tunnel();
        await(tunnel.startReceived);
        tunnel.slowToDie();

        CompletableFuture<Void> stop = h.session.stop(h.owner);
        await(tunnel.terminating);
        tunnel.answerStart(true, "");
        tunnel.finishDying();

        assertAbandoned(start, stop);
        assertFalse(h.events.phases().contains(RUNNING), "never RUNNING once the stop was taken");
    }

    @Test
    void aStopThatArrivesAfterTheStartResponseStopsARunningTunnel() throws Exception {
        h.launcher.script(Script.normal().onStart(OnStart.HOLD));
        CompletableFuture<Void> start = h.start();
        ScriptedTunnel tunnel = h.tunnel();
        await(tunnel.startReceived);

        tunnel.answerStart(true, "");
        await(start);
        await(h.session.stop(h.owner));

        assertEquals(1, tunnel.stops.get(), "a running tunnel is asked to stop");
        assertFalse(tunnel.terminated);
    }

    @Test
    void aChildThatDiesDuringTheStopEndsTheStopCleanly() throws InterruptedException {
        h.launcher.script(Script.normal().onStop(OnStop.EXIT));
        ScriptedTunnel tunnel = h.running();

        await(h.session.stop(new FakeExtension("other")));

        assertEquals(1, tunnel.stops.get());
        assertEquals(SessionStatus.idle(""), h.status(), "dying while being stopped is no failure");
        assertEquals(
                "exit code 3",
                h.events
                        .await(RecordingListener.ChildExited.class, e -> true)
                        .status()
                        .toString());
        // The CancelProvider goes out on a worker, side by side with the stop's answer: it may come just after it.
        assertEquals("", h.owner.cancels.poll(30, TimeUnit.SECONDS), "the owner is told of a clean stop");
        assertTrue(h.owner.cancels.isEmpty(), "once");
    }

    @Test
    void theOwnerLeavingWhileItsSettingsAreBeingAppliedAbandonsTheStart() throws Exception {
        FakeExtension owner = new FakeExtension("leaving").holding();
        CompletableFuture<Void> start = h.session.start(SessionHarness.params(), SessionHarness.tun(), owner);
        FakeExtension.SettingsCall call = owner.settings.take();

        h.session.extensionDisconnected(owner);
        h.events.awaitPhase(IDLE);
        call.answer().completeExceptionally(new java.io.IOException("speaker network extension is closed"));

        assertEquals(
                SessionFailure.STOPPED, failure(start, SessionFailure.class).getMessage());
        assertEquals(SessionStatus.idle(""), h.status());
        assertTrue(owner.cancels.isEmpty(), "nobody is left to tell");
        assertTrue(h.tunnel().exit().isDone(), "no child is left");
    }

    @Test
    void twoStopsAtOnceAskTheTunnelOnceAndBothCompleteAtIdle() throws InterruptedException {
        h.launcher.script(Script.normal().onStop(OnStop.HOLD));
        ScriptedTunnel tunnel = h.running();

        CompletableFuture<Void> first = h.session.stop(new FakeExtension("first"));
        CompletableFuture<Void> second = h.session.stop(new FakeExtension("second"));
        await(tunnel.stopReceived);
        assertFalse(first.isDone() || second.isDone(), "neither completes before the tunnel is gone");
        tunnel.exitWith(0);

        await(first);
        await(second);
        assertEquals(1, tunnel.stops.get(), "one StopRequest");
        // The CancelProvider goes out on a worker, side by side with the stops' answers: it may come just after them.
        assertEquals("", h.owner.cancels.poll(30, TimeUnit.SECONDS), "a CancelProvider");
        assertTrue(h.owner.cancels.isEmpty(), "only one");
        assertEquals(1, h.events.phases().stream().filter(p -> p == STOPPING).count());
    }

    @Test
    void aStartWhileStoppingIsRefusedAsAlreadyRunningAndTouchesNothing() {
        h.launcher.script(Script.normal().onStop(OnStop.HOLD));
        ScriptedTunnel tunnel = h.running();
        CompletableFuture<Void> stop = h.session.stop(h.owner);
        h.events.awaitPhase(STOPPING);
        OwnedFd secondTun = SessionHarness.tun();

        SessionRefusedException refused = failure(
                h.session.start(SessionHarness.params(), secondTun, new FakeExtension("second")),
                SessionRefusedException.class);

        assertEquals(ErrorCode.ALREADY_RUNNING, refused.code());
        assertEquals("a session is STOPPING; stop it first", refused.getMessage());
        assertFalse(secondTun.isOpen(), "the refused start's descriptor is closed");
        assertEquals(STOPPING, h.status().phase());
        tunnel.exitWith(0);
        await(stop);
    }

    @Test
    void aStartWhileStartingIsRefusedAndTheFirstGoesOn() {
        h.acquirer.holdIn(AcquisitionPhase.DOWNLOADING);
        CompletableFuture<Void> first = h.start();
        await(h.acquirer.holding);

        SessionRefusedException refused = failure(h.start(), SessionRefusedException.class);

        assertEquals("a session is DOWNLOADING; stop it first", refused.getMessage());
        h.acquirer.release();
        await(first);
        assertEquals(1, h.acquirer.requests.size(), "the refused start acquired nothing");
    }

    @Test
    void aStopWhenIdleCompletesAtOnce() {
        await(h.session.stop(h.owner));
        assertEquals(List.of(IDLE), h.events.phases());
    }

    @Test
    void aShutdownStopsTheSessionThenRefusesEveryStart() throws Exception {
        h.running();

        await(h.session.shutdown());

        assertEquals("", h.owner.cancels.take(), "the helper stopping is a clean stop for the owner");
        SessionRefusedException refused = failure(h.start(), SessionRefusedException.class);
        assertEquals(ErrorCode.SHUTTING_DOWN, refused.code());
        assertEquals("the helper is shutting down", refused.getMessage());
    }

    @Test
    void aStartWhileTheShutdownIsStoppingTheTunnelIsRefusedAsShuttingDown() {
        h.launcher.script(Script.normal().onStop(OnStop.HOLD));
        ScriptedTunnel tunnel = h.running();
        CompletableFuture<Void> shutdown = h.session.shutdown();
        h.events.awaitPhase(STOPPING);

        assertEquals(
                ErrorCode.SHUTTING_DOWN,
                failure(h.start(), SessionRefusedException.class).code());
        tunnel.exitWith(0);
        await(shutdown);
    }
}
