package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.session.FakeAcquirer;
import dev.tunnelhelper.helper.session.ScriptedTunnel;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.protocol.helper.Subscribed;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a subscribed app is pushed, exactly as docs/protocol.md §2.5 says, on the real socket. */
@Timeout(60)
class AppPushesTest {
    @TempDir
    Path dir;

    private ScriptedHelper h;
    private final BlockingQueue<HelperAppMessage> pushed = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private Subscribed subscribe() throws Exception {
        return h.app(in -> pushed.add(in.message()))
                .call(
                        AppMessage.newBuilder()
                                .setSubscribe(Subscribe.getDefaultInstance())
                                .build(),
                        ScriptedHelper.WAIT)
                .getSubscribed();
    }

    /** Pushes until (and with) the status {@code last}, as "STATE" or "progress STAGE bytes/total" lines. */
    private List<String> pushesUntil(SessionState last) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            HelperAppMessage m = pushed.poll(30, TimeUnit.SECONDS);
            assertTrue(m != null, "pushes stopped after " + seen);
            if (m.hasStatus()) {
                seen.add(m.getStatus().getState().name().replace("SESSION_STATE_", ""));
                if (m.getStatus().getState() == last) {
                    return seen;
                }
            } else if (m.hasProgress()) {
                seen.add("progress " + m.getProgress().getStage().name().replace("PROGRESS_STAGE_", "")
                        + (m.getProgress().getStage() == ProgressStage.PROGRESS_STAGE_DOWNLOADING
                                ? " " + m.getProgress().getBytesWritten() + "/"
                                        + m.getProgress().getBytesTotal()
                                : ""));
            }
        }
    }

    @Test
    void aStartIsPushedStateByStateWithTheProgressStageOfEach() throws Exception {
        h = ScriptedHelper.start(dir);
        assertEquals(SessionState.SESSION_STATE_IDLE, subscribe().getStatus().getState());

        h.running(h.extension());

        long size = FakeAcquirer.SIZE;
        assertEquals(
                List.of(
                        "FETCHING_INFO",
                        "progress FETCHING_INFO",
                        "DOWNLOADING",
                        "progress DOWNLOADING 0/" + size,
                        "progress DOWNLOADING " + size + "/" + size,
                        "VALIDATING",
                        "progress VALIDATING",
                        "SPAWNING",
                        "progress STARTING_TUNNEL",
                        "HANDSHAKING",
                        "STARTING",
                        "RUNNING"),
                pushesUntil(SessionState.SESSION_STATE_RUNNING));
    }

    @Test
    void aNewSubscriberStartsFromTheMergedPeersAndTheLastStatusAndIdleClearsThePeers() throws Exception {
        h = ScriptedHelper.start(dir);
        var owner = h.extension();
        ScriptedTunnel tunnel = h.running(owner);
        subscribe();
        tunnel.sendPeers(ScriptedTunnel.FULL_STATE);
        HelperAppMessage delta;
        do {
            delta = pushed.poll(30, TimeUnit.SECONDS);
        } while (delta != null && !delta.hasPeerUpdate());
        assertEquals(ScriptedTunnel.FULL_STATE, delta.getPeerUpdate(), "deltas exactly as the tunnel sent them");

        Subscribed late = subscribe();
        assertEquals(SessionState.SESSION_STATE_RUNNING, late.getStatus().getState());
        assertEquals(ScriptedTunnel.FULL_STATE, late.getPeers());

        owner.call(
                dev.tunnelhelper.protocol.helper.ExtensionMessage.newBuilder()
                        .setStopDaemon(StopDaemon.getDefaultInstance())
                        .build(),
                ScriptedHelper.WAIT);
        h.events.awaitPhase(SessionPhase.IDLE);
        Subscribed afterwards = subscribe();
        assertEquals(SessionState.SESSION_STATE_IDLE, afterwards.getStatus().getState());
        assertEquals(PeerUpdate.getDefaultInstance(), afterwards.getPeers(), "no tunnel, no peers");
    }
}
