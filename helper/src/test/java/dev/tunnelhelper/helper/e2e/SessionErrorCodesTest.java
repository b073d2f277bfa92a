package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.ScriptedTunnel;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.netext.ExtensionClient;
import dev.tunnelhelper.netext.StartFlags;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.GetPeerState;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error code the session side of the helper sends, on the real sockets, in the situation
 * docs/protocol.md §2.2 names for it. The daemon runs on a fake acquirer and an in-process
 * tunnel, so none of this needs root or a deployment.
 */
@Timeout(60)
class SessionErrorCodesTest {
    private static final Duration WAIT = ScriptedHelper.WAIT;

    @TempDir
    Path dir;

    private ScriptedHelper h;

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aSecondStartDaemonIsAnsweredAlreadyRunningAndTheFirstRunsOn() throws Exception {
        h = ScriptedHelper.start(dir);
        h.running(h.extension());

        HelperExtensionMessage second = h.startDaemon(h.extension(), 1);

        assertEquals(ErrorCode.ALREADY_RUNNING.name(), second.getError().getCode());
        assertEquals("a session is RUNNING; stop it first", second.getError().getMessage());
        assertEquals(SessionPhase.RUNNING, h.helper.session().status().join().phase());
    }

    @Test
    void theDescriptorCountIsCheckedBeforeTheSessionState() throws Exception {
        h = ScriptedHelper.start(dir);
        h.running(h.extension());

        for (int fds : new int[] {0, 2}) {
            HelperExtensionMessage reply = h.startDaemon(h.extension(), fds);
            assertEquals(
                    ErrorCode.BAD_REQUEST.name(),
                    reply.getError().getCode(),
                    "a malformed start is BAD_REQUEST in any state");
            assertEquals(
                    "StartDaemon needs exactly one file descriptor attached (the TUN device), got " + fds,
                    reply.getError().getMessage());
        }
    }

    @Test
    void theNetextBridgeClientSurfacesAlreadyRunningAsItsCode() throws Exception {
        h = ScriptedHelper.start(dir);
        h.running(h.extension());
        ExtensionClient client = ExtensionClient.connect(
                h.helper.paths().extensionSocket(),
                WAIT,
                dev.tunnelhelper.netext.NetworkSettingsApplier.REFUSE,
                error -> {});
        h.keep(client);
        Pipe tun = h.keep(Fds.pipe());

        HelperErrorException e = assertThrows(
                HelperErrorException.class,
                () -> client.start(
                        "https://coder.example.com",
                        "t",
                        List.of(),
                        tun.readEnd().get(),
                        new StartFlags(false, "", ""),
                        WAIT));

        assertEquals(ErrorCode.ALREADY_RUNNING.name(), e.code());
        assertEquals("a session is RUNNING; stop it first", e.helperMessage());
    }

    @Test
    void aMessageAnEndpointDoesNotTakeAsARequestIsABadRequestNamingIt() throws Exception {
        h = ScriptedHelper.start(dir);

        HelperExtensionMessage ne = h.extension()
                .call(
                        ExtensionMessage.newBuilder()
                                .setApplyNetworkSettingsResult(
                                        Result.newBuilder().setSuccess(true))
                                .build(),
                        WAIT);
        HelperAppMessage app = h.app(in -> {}).call(AppMessage.getDefaultInstance(), WAIT);

        assertEquals(ErrorCode.BAD_REQUEST.name(), ne.getError().getCode());
        assertEquals(
                "unexpected APPLY_NETWORK_SETTINGS_RESULT request on the network-extension endpoint",
                ne.getError().getMessage());
        assertEquals(ErrorCode.BAD_REQUEST.name(), app.getError().getCode());
        assertEquals(
                "unexpected MSG_NOT_SET request on the app endpoint",
                app.getError().getMessage());
    }

    @Test
    void aStartDaemonWhileTheHelperShutsDownIsAnsweredShuttingDown() throws Exception {
        h = ScriptedHelper.start(dir);
        h.launcher.script(ScriptedTunnel.Script.normal().onStop(ScriptedTunnel.OnStop.HOLD));
        ScriptedTunnel tunnel = h.running(h.extension());
        Speaker<ExtensionMessage, HelperExtensionMessage> late = h.extension();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(h.helper::close);
        h.events.awaitPhase(SessionPhase.STOPPING);
        HelperExtensionMessage during = h.startDaemon(late, 1);
        tunnel.exitWith(0);
        closing.get();
        HelperExtensionMessage after = h.startDaemon(late, 1);

        for (HelperExtensionMessage reply : List.of(during, after)) {
            assertEquals(ErrorCode.SHUTTING_DOWN.name(), reply.getError().getCode());
            assertEquals("the helper is shutting down", reply.getError().getMessage());
        }
    }

    @Test
    void aStartTheHelperFailsOnThroughABugIsAnsweredInternalAndTheHelperStartsAgain() throws Exception {
        h = ScriptedHelper.start(dir);
        h.acquirer.breakIn(AcquisitionPhase.VALIDATING);
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = h.extension();

        HelperExtensionMessage reply = h.startDaemon(ne, 1);

        assertEquals(ErrorCode.INTERNAL.name(), reply.getError().getCode());
        assertEquals(
                "the helper failed to handle request 1; its log says why",
                reply.getError().getMessage(),
                "which request, never the exception");
        assertEquals(SessionPhase.IDLE, h.helper.session().status().join().phase(), "answered once the helper is idle");
        h.acquirer.breakIn(null);
        h.running(ne);
    }

    @Test
    void peerStateFromATunnelThatDoesNotAnswerIsUnavailable() throws Exception {
        h = ScriptedHelper.start(dir);
        h.launcher.script(ScriptedTunnel.Script.normal().silentOnQueries());
        h.running(h.extension());

        HelperAppMessage reply = h.app(in -> {})
                .call(
                        AppMessage.newBuilder()
                                .setGetPeerState(GetPeerState.getDefaultInstance())
                                .build(),
                        WAIT);

        assertEquals(ErrorCode.UNAVAILABLE.name(), reply.getError().getCode());
        assertTrue(
                reply.getError().getMessage().startsWith("the tunnel did not answer: no reply from tunnel to request "),
                reply.getError().getMessage());
    }

    @Test
    void aSecondSubscribeIsABadRequestAndASubscribedConnectionMayStillAsk() throws Exception {
        h = ScriptedHelper.start(dir);
        Speaker<AppMessage, HelperAppMessage> app = h.app(in -> {});
        AppMessage subscribe = AppMessage.newBuilder()
                .setSubscribe(Subscribe.getDefaultInstance())
                .build();
        assertTrue(app.call(subscribe, WAIT).hasSubscribed());

        HelperAppMessage again = app.call(subscribe, WAIT);
        HelperAppMessage status = app.call(
                AppMessage.newBuilder()
                        .setGetStatus(GetStatus.getDefaultInstance())
                        .build(),
                WAIT);

        assertEquals(ErrorCode.BAD_REQUEST.name(), again.getError().getCode());
        assertEquals("this connection is already subscribed", again.getError().getMessage());
        assertEquals(SessionState.SESSION_STATE_IDLE, status.getStatus().getState(), "requests are still answered");
    }

    @Test
    void aSubscriberThatStopsReadingIsToldSlowConsumerAndDisconnected() throws Exception {
        h = ScriptedHelper.start(dir, b -> b.subscriberQueueDepth(8));
        ScriptedTunnel tunnel = h.running(h.extension());
        var stalled = UnixSocketChannel.<AppMessage, HelperAppMessage>connect(
                h.helper.paths().appSocket(),
                WAIT,
                HelperAppMessage.parser(),
                new dev.tunnelhelper.protocol.FrameCodec());
        h.keep(stalled);
        dev.tunnelhelper.protocol.endpoint.Endpoints.clientHandshake(
                        dev.tunnelhelper.protocol.endpoint.Endpoints.Kind.APP, WAIT)
                .perform(stalled.rawInput(), stalled.rawOutput(), stalled);
        stalled.send(AppMessage.newBuilder()
                .setRpc(dev.tunnelhelper.protocol.vpn.RPC.newBuilder().setMsgId(1))
                .setSubscribe(Subscribe.getDefaultInstance())
                .build());

        // Large deltas fill the socket's buffer, then the subscriber's queue of 8.
        PeerUpdate big = PeerUpdate.newBuilder()
                .addUpsertedWorkspaces(Workspace.newBuilder()
                        .setId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
                        .setName("w".repeat(16_384)))
                .build();
        for (int sent = 0;
                h.events.all(RecordingListener.SubscriberDropped.class).isEmpty();
                sent++) {
            assertTrue(sent < 10_000, "never dropped");
            tunnel.sendPeers(big);
        }

        HelperAppMessage last = null;
        dev.tunnelhelper.protocol.Envelope<HelperAppMessage> in;
        while ((in = stalled.receive()) != null) {
            last = in.message();
        }
        assertEquals(
                ErrorCode.SLOW_CONSUMER.name(),
                last.getError().getCode(),
                "its backlog, then the reason, then the end");
        assertEquals(
                "subscriber fell more than 8 messages behind and was disconnected",
                last.getError().getMessage());
    }
}
