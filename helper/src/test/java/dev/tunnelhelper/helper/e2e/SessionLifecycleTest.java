package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.GetPeerState;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.NotifyWake;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The helper end to end: extension starts, apps watch, the tunnel runs, the extension stops. */
@Timeout(120)
class SessionLifecycleTest {
    private static final Duration WAIT = HelperFixture.WAIT;

    @TempDir
    Path dir;

    static HelperStatus status(dev.tunnelhelper.protocol.Speaker<AppMessage, HelperAppMessage> app) throws Exception {
        return app.call(
                        AppMessage.newBuilder()
                                .setGetStatus(GetStatus.getDefaultInstance())
                                .build(),
                        WAIT)
                .getStatus();
    }

    @Test
    @RequiresRootAndTun
    void startRelaysSettingsPublishesPeersAnswersPeerStateAndStopsCleanly() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.110"))) {
            BlockingQueue<HelperAppMessage> pushed = new LinkedBlockingQueue<>();
            var watcher = f.app(in -> pushed.add(in.message()));
            HelperAppMessage subscribed = watcher.call(
                    AppMessage.newBuilder()
                            .setSubscribe(Subscribe.getDefaultInstance())
                            .build(),
                    WAIT);
            assertEquals(
                    SessionState.SESSION_STATE_IDLE,
                    subscribed.getSubscribed().getStatus().getState());

            var ne = f.extension();
            TunDevice tun = f.tun();
            Result started = ne.start(tun.fd());
            assertTrue(started.getSuccess(), started.getErrorMessage());

            NetworkSettingsRequest relayed = ne.settings.poll(5, TimeUnit.SECONDS);
            assertEquals("100.110.0.1", relayed.getIpv4Settings().getAddrs(0), "the NE got the tunnel's own settings");

            var app = f.app(in -> {});
            HelperStatus running = status(app);
            assertEquals(SessionState.SESSION_STATE_RUNNING, running.getState());
            assertEquals("1.3", running.getTunnelProtocolVersion());
            assertEquals(f.deployment.url(), running.getAccessUrl());
            assertFalse(running.getSignatureValidationDisabled());

            List<SessionState> states = new ArrayList<>();
            PeerUpdate firstPeers = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            // The tunnel publishes its first peers before it answers the start, so that update may
            // arrive before or after the RUNNING status: collect until both are in.
            while ((firstPeers == null || !states.contains(SessionState.SESSION_STATE_RUNNING))
                    && System.nanoTime() < deadline) {
                HelperAppMessage m = pushed.poll(1, TimeUnit.SECONDS);
                if (m != null && m.hasStatus()) {
                    states.add(m.getStatus().getState());
                } else if (m != null && m.hasPeerUpdate() && firstPeers == null) {
                    firstPeers = m.getPeerUpdate();
                }
            }
            assertEquals(
                    List.of(
                            SessionState.SESSION_STATE_FETCHING_INFO,
                            SessionState.SESSION_STATE_DOWNLOADING,
                            SessionState.SESSION_STATE_VALIDATING,
                            SessionState.SESSION_STATE_SPAWNING,
                            SessionState.SESSION_STATE_HANDSHAKING,
                            SessionState.SESSION_STATE_STARTING,
                            SessionState.SESSION_STATE_RUNNING),
                    states,
                    "every transition is pushed");
            assertEquals(4, firstPeers.getUpsertedAgentsCount());

            PeerUpdate full = app.call(
                            AppMessage.newBuilder()
                                    .setGetPeerState(GetPeerState.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .getPeerState()
                    .getPeers();
            assertTrue(full.getUpsertedAgentsCount() >= 4, "GetPeerState answers the tunnel's full state");
            assertEquals(0, full.getDeletedAgentsCount());

            Result woke = app.call(
                            AppMessage.newBuilder()
                                    .setNotifyWake(NotifyWake.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .getResult();
            assertTrue(woke.getSuccess(), woke.getErrorMessage());

            assertTrue(ne.stop().getSuccess());
            assertEquals(SessionState.SESSION_STATE_IDLE, status(app).getState());
            assertEquals(
                    "",
                    ne.cancels.poll(300, TimeUnit.MILLISECONDS) == null ? "" : "unexpected cancel",
                    "the extension that stopped is not told to cancel");
            PeerUpdate idle = app.call(
                            AppMessage.newBuilder()
                                    .setGetPeerState(GetPeerState.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .getPeerState()
                    .getPeers();
            assertEquals(0, idle.getUpsertedAgentsCount(), "idle: empty peer state");
            assertEquals(
                    "pong",
                    app.call(
                                    AppMessage.newBuilder()
                                            .setPing(Ping.getDefaultInstance())
                                            .build(),
                                    WAIT)
                            .getMsgCase()
                            .name()
                            .toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void stopWhenIdleSucceedsWithNothingToDo() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.111"))) {
            assertTrue(f.extension().stop().getSuccess());
            assertEquals(
                    SessionState.SESSION_STATE_IDLE, status(f.app(in -> {})).getState());
        }
    }
}
