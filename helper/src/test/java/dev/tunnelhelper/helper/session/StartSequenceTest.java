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
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.tunnel.TunnelProcess;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StopResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.shim.OwnedFd;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A start from IDLE to RUNNING, as the session publishes it and as the tunnel and the extension see it. */
@Timeout(60)
class StartSequenceTest {
    private final SessionHarness h = new SessionHarness();

    @Test
    void aStartGoesThroughEveryPhaseInOrderAndIsAnsweredOnceRunning() {
        await(h.start());

        assertEquals(
                List.of(IDLE, FETCHING_INFO, DOWNLOADING, VALIDATING, SPAWNING, HANDSHAKING, STARTING, RUNNING),
                h.events.phases());
        assertEquals(
                List.of(AcquisitionPhase.FETCHING_INFO, AcquisitionPhase.DOWNLOADING, AcquisitionPhase.VALIDATING),
                h.events.all(RecordingListener.PhaseStarted.class).stream()
                        .map(RecordingListener.PhaseStarted::phase)
                        .toList());
        assertEquals(
                List.of(
                        new RecordingListener.Downloaded(0, FakeAcquirer.SIZE),
                        new RecordingListener.Downloaded(FakeAcquirer.SIZE, FakeAcquirer.SIZE)),
                h.events.all(RecordingListener.Downloaded.class));
        assertEquals(RUNNING, h.status().phase());
    }

    @Test
    void theTunnelsSettingsReachTheExtensionAndItsAnswerReachesTheTunnel() throws Exception {
        await(h.start());
        ScriptedTunnel tunnel = h.tunnel();

        FakeExtension.SettingsCall call = h.owner.settings.take();
        assertEquals(ScriptedTunnel.SETTINGS, call.settings(), "the diff exactly as the tunnel sent it");
        assertTrue(await(tunnel.settingsAnswered).getSuccess());
        assertEquals(
                TunnelFrame.MsgCase.NETWORK_SETTINGS,
                h.events.all(RecordingListener.Relayed.class).get(0).message().getMsgCase());
    }

    @Test
    void theStartRequestCarriesTheTokenHeadersDeviceAndTheChildsTunFd() {
        await(h.start());
        StartRequest sent = await(h.tunnel().startReceived);

        assertEquals(TunnelProcess.CHILD_TUN_FD, sent.getTunnelFileDescriptor());
        assertEquals("https://coder.example.com", sent.getCoderUrl());
        assertEquals(SessionHarness.TOKEN, sent.getApiToken());
        assertEquals(
                List.of(StartRequest.Header.newBuilder()
                        .setName("X-Test")
                        .setValue("1")
                        .build()),
                sent.getHeadersList());
        assertEquals("configured-device", sent.getDeviceId(), "an empty device id means the configured one");
        assertEquals("testos", sent.getDeviceOs(), "an empty device OS means the helper's");
        assertEquals("9.9.9-test", sent.getCoderDesktopVersion());
    }

    @Test
    void aRequestsOwnDeviceIdAndOsWin() {
        StartParameters own = StartParameters.builder("https://coder.example.com", "t")
                .deviceId("my-device")
                .deviceOs("my-os")
                .build();
        await(h.session.start(own, SessionHarness.tun(), h.owner));
        StartRequest sent = await(h.tunnel().startReceived);

        assertEquals("my-device", sent.getDeviceId());
        assertEquals("my-os", sent.getDeviceOs());
    }

    @Test
    void statusFieldsAreFilledAsTheyBecomeKnownAndClearedAtIdle() {
        await(h.start());

        SessionStatus fetching = h.events.awaitPhase(FETCHING_INFO);
        assertEquals("https://coder.example.com", fetching.accessUrl());
        assertEquals("", fetching.serverVersion());
        SessionStatus spawning = h.events.awaitPhase(SPAWNING);
        assertEquals(FakeAcquirer.SERVER_VERSION, spawning.serverVersion());
        assertEquals("", spawning.tunnelProtocolVersion());
        SessionStatus starting = h.events.awaitPhase(STARTING);
        assertEquals("1.3", starting.tunnelProtocolVersion());
        assertEquals(
                new SessionStatus(RUNNING, "", false, "1.3", "https://coder.example.com", FakeAcquirer.SERVER_VERSION),
                h.events.awaitPhase(RUNNING));

        await(h.session.stop(h.owner));
        assertEquals(SessionStatus.idle(""), h.status());
    }

    @Test
    void disabledSignatureValidationIsAskedForAndShown() throws Exception {
        StartParameters unverified = StartParameters.builder("https://coder.example.com", "t")
                .disableSignatureValidation(true)
                .build();
        await(h.session.start(unverified, SessionHarness.tun(), h.owner));

        assertTrue(h.acquirer.requests.take().disableSignatureValidation());
        assertTrue(h.status().signatureValidationDisabled());
    }

    @Test
    void theHelpersCopyOfTheTunDeviceIsClosedOnceTheChildHasItsOwn() {
        OwnedFd tun = SessionHarness.tun();
        int number = tun.get();
        CompletableFuture<Void> started = h.session.start(SessionHarness.params(), tun, h.owner);

        h.events.awaitPhase(HANDSHAKING);
        assertEquals(number, h.launcher.tunFds.poll(), "the child was handed the extension's descriptor");
        assertFalse(tun.isOpen(), "closed as soon as the child was spawned");
        await(started);
    }

    @Test
    void peerDeltasAndLogsAreRelayedInTheOrderTheTunnelSentThem() throws Exception {
        ScriptedTunnel tunnel = h.running();

        tunnel.sendPeers(ScriptedTunnel.FULL_STATE);
        tunnel.sendLog("hello from the tunnel");
        tunnel.sendPeers(ScriptedTunnel.FULL_STATE.toBuilder()
                .clearUpsertedWorkspaces()
                .addAllDeletedWorkspaces(ScriptedTunnel.FULL_STATE.getUpsertedWorkspacesList())
                .build());

        RecordingListener.Relayed first =
                h.events.await(RecordingListener.Relayed.class, r -> r.message().hasPeerUpdate());
        assertEquals(
                ScriptedTunnel.FULL_STATE, PeerUpdate.parseFrom(first.message().getPeerUpdate()));
        assertTrue(h.events
                .await(RecordingListener.Relayed.class, r -> true)
                .message()
                .hasLog());
        assertEquals(
                1,
                PeerUpdate.parseFrom(h.events
                                .await(RecordingListener.Relayed.class, r -> true)
                                .message()
                                .getPeerUpdate())
                        .getDeletedWorkspacesCount());
    }

    @Test
    void settingsWithoutARequestIdAndUnexpectedMessagesReachNeitherTheExtensionNorTheApps() throws Exception {
        ScriptedTunnel tunnel = h.running();
        int settingsApplied = h.owner.settings.size();

        tunnel.send(TunnelMessage.newBuilder()
                .setNetworkSettings(ScriptedTunnel.SETTINGS)
                .build()); // one-way: nothing to answer, so nothing to apply
        tunnel.send(TunnelMessage.newBuilder()
                .setStop(StopResponse.newBuilder().setSuccess(true))
                .build()); // a reply to nothing
        tunnel.sendLog("after them");

        h.events.await(RecordingListener.Relayed.class, r -> r.message().hasLog());
        assertEquals(
                List.of(TunnelFrame.MsgCase.NETWORK_SETTINGS, TunnelFrame.MsgCase.LOG),
                h.events.all(RecordingListener.Relayed.class).stream()
                        .map(r -> r.message().getMsgCase())
                        .toList(),
                "the start's settings request, then the log: the two before it were dropped");
        assertEquals(settingsApplied, h.owner.settings.size());
        assertEquals(RUNNING, h.status().phase(), "dropped, not fatal");
    }

    @Test
    void peerStateAsksTheTunnelWhileRunningAndIsEmptyOtherwise() throws Exception {
        PeerSnapshot idle = h.session.peerState();
        assertEquals(ByteString.EMPTY, idle.peers(), "idle: an empty PeerUpdate");
        assertEquals(IDLE, idle.status().phase());
        h.running();
        PeerSnapshot running = h.session.peerState();
        assertEquals(ScriptedTunnel.FULL_STATE, PeerUpdate.parseFrom(running.peers()));
        assertEquals(RUNNING, running.status().phase(), "the status comes with the peers");
    }

    @Test
    @Timeout(20)
    void peerStateIsAnsweredWhileTheSessionThreadIsBusy() throws Exception {
        h.running();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // A listener runs on the session thread: this one keeps it busy until released.
        h.session.addListener(new SessionEventListener() {
            @Override
            public void stateChanged(SessionStatus status) {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holding.await();
        try {
            CompletableFuture<PeerSnapshot> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return h.session.peerState();
                } catch (TunnelUnavailableException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            PeerSnapshot running = query.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(ScriptedTunnel.FULL_STATE, PeerUpdate.parseFrom(running.peers()));
            assertEquals(RUNNING, running.status().phase());
        } finally {
            release.countDown();
        }
    }

    @Test
    void peerStateAfterAStopIsEmptyAgain() throws Exception {
        h.running();
        await(h.session.stop(h.owner));
        PeerSnapshot stopped = h.session.peerState();
        assertEquals(ByteString.EMPTY, stopped.peers(), "no tunnel is asked once the session is idle");
        assertEquals(IDLE, stopped.status().phase());
    }

    @Test
    void wakeReachesARunningTunnelAndIsRefusedWithoutOne() {
        TunnelUnavailableException idle = SessionHarness.failure(h.session.wake(), TunnelUnavailableException.class);
        assertEquals("no tunnel is running", idle.getMessage());

        ScriptedTunnel tunnel = h.running();
        await(h.session.wake());
        assertEquals(1, tunnel.wakes.get());
    }

    @Test
    void whateverACallerChainsOntoAnAnswerNeverRunsOnTheSessionThread() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> chained = h.start().thenRun(release::join); // e.g. a reply written to a stalled socket

        h.events.awaitPhase(RUNNING);
        assertEquals(RUNNING, h.status().phase(), "the session still answers while the caller's continuation blocks");
        release.complete(null);
        await(chained);
    }

    @Test
    void aStopSendsStopRequestWaitsForTheExitAndAnswersAtIdle() {
        ScriptedTunnel tunnel = h.running();

        await(h.session.stop(h.owner));

        assertEquals(1, tunnel.stops.get());
        assertFalse(tunnel.terminated, "it exited by itself after its StopResponse");
        assertEquals(List.of(RUNNING, STOPPING, IDLE), h.events.phases().subList(7, 10));
        assertEquals(SessionStatus.idle(""), h.status(), "a stop is no failure");
        assertTrue(h.owner.cancels.isEmpty(), "the extension that asked is not told to cancel");
    }

    @Test
    void aStopFromElsewhereTellsTheOwnerToCancelItsProvider() throws Exception {
        h.running();

        await(h.session.stop(new FakeExtension("other")));

        assertEquals("", h.owner.cancels.take(), "empty: a clean stop");
    }

    @Test
    void aTunnelThatDoesNotAnswerTheStopIsTerminated() {
        SessionHarness quick =
                new SessionHarness(SessionHarness.settings().stopTimeout(java.time.Duration.ofMillis(200)));
        quick.launcher.script(ScriptedTunnel.Script.normal()
                .onStop(ScriptedTunnel.OnStop.HOLD)
                .ignoringSigterm());
        ScriptedTunnel tunnel = quick.running();

        await(quick.session.stop(quick.owner));

        assertTrue(tunnel.terminated);
        assertEquals(
                "killed by signal 9 (SIGKILL)",
                quick.events
                        .await(RecordingListener.ChildExited.class, e -> true)
                        .status()
                        .toString());
        assertEquals(SessionStatus.idle(""), quick.status());
    }

    @Test
    void theOwnerLeavingStopsTheSessionWithoutACancelAndOthersLeavingChangeNothing() {
        h.running();

        h.session.extensionDisconnected(new FakeExtension("bystander"));
        assertEquals(RUNNING, h.status().phase());
        h.session.extensionDisconnected(h.owner);

        h.events.awaitPhase(IDLE);
        assertTrue(h.owner.cancels.isEmpty());
    }
}
