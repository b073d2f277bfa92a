package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class RunningSessionTest {
    @TempDir
    Path dir;

    private static SessionPhase phase(HelperFixture f) {
        return f.helper.session().status().join().phase();
    }

    /** A listener hears the current state first, then every transition: no polling, and no transition missed. */
    private static void awaitState(HelperFixture f, SessionPhase wanted) {
        RecordingListener events = new RecordingListener();
        f.helper.addListener(events);
        events.awaitPhase(wanted);
    }

    @Test
    void aSecondStartWhileOneIsActiveIsRefusedWithoutSideEffects() throws Exception {
        try (HelperFixture f =
                        HelperFixture.start(dir, HelperFixture.faulty(HelperFixture.tunnel("100.120"), "stall-start"));
                Pipe p = Fds.pipe();
                Pipe q = Fds.pipe()) {
            var first = f.extension();
            CompletableFuture<Result> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return first.start(p.readEnd().get());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            awaitState(f, SessionPhase.STARTING);
            Result second = f.extension().start(q.readEnd().get());
            assertFalse(second.getSuccess());
            assertEquals(
                    "ALREADY_RUNNING: a session is STARTING; stop it first",
                    second.getErrorMessage(),
                    "an error reply with its code");
            assertEquals(SessionPhase.STARTING, phase(f), "the first start is untouched");

            assertTrue(first.stop().getSuccess());
            Result firstResult = pending.get(30, TimeUnit.SECONDS);
            assertFalse(firstResult.getSuccess());
            assertTrue(firstResult.getErrorMessage().contains("stopped"), firstResult.getErrorMessage());
            assertEquals(SessionPhase.IDLE, phase(f));
        }
    }

    @Test
    @RequiresRootAndTun
    void aTunnelThatDiesWhileRunningCancelsTheProviderFailsTheAppsAndTheHelperStartsAgain() throws Exception {
        try (HelperFixture f = HelperFixture.start(
                dir, HelperFixture.faulty(HelperFixture.tunnel("100.121"), "crash-after-start=1500"))) {
            List<SessionState> states = new CopyOnWriteArrayList<>();
            List<String> errors = new CopyOnWriteArrayList<>();
            var app = f.app(in -> {
                if (in.message().hasStatus()) {
                    states.add(in.message().getStatus().getState());
                    errors.add(in.message().getStatus().getErrorMessage());
                }
            });
            app.call(
                    AppMessage.newBuilder()
                            .setSubscribe(Subscribe.getDefaultInstance())
                            .build(),
                    HelperFixture.WAIT);
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());

            String reason = ne.cancels.poll(30, TimeUnit.SECONDS);
            assertEquals("tunnel exited: exit code 3", reason);
            awaitState(f, SessionPhase.IDLE);
            // The helper is idle before the pushes have necessarily reached this app.
            long pushed = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!states.contains(SessionState.SESSION_STATE_IDLE)
                    || states.lastIndexOf(SessionState.SESSION_STATE_IDLE)
                            < states.lastIndexOf(SessionState.SESSION_STATE_FAILED)) {
                assertTrue(System.nanoTime() < pushed, "pushed states: " + states);
                Thread.sleep(20);
            }
            assertTrue(states.contains(SessionState.SESSION_STATE_FAILED), states.toString());
            assertTrue(errors.contains("tunnel exited: exit code 3"), errors.toString());

            // Ready for the next start (this binary crashes again later, but starts fine).
            TunDevice tun2 = f.tun();
            Result again = ne.start(tun2.fd());
            assertTrue(again.getSuccess(), again.getErrorMessage());
            assertEquals(SessionPhase.RUNNING, phase(f));
        }
    }

    @Test
    @RequiresRootAndTun
    void whenTheOwningExtensionDisconnectsTheSessionStops() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.122"))) {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());
            ne.speaker.close();
            awaitState(f, SessionPhase.IDLE);
            assertEquals("", f.helper.session().status().join().errorMessage(), "a clean stop, not a failure");
        }
    }

    @Test
    @RequiresRootAndTun
    void aHundredSubscribersAllReceiveEveryUpdateInTheSameOrder() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.123"))) {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());
            List<List<PeerUpdate>> received = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                List<PeerUpdate> mine = Collections.synchronizedList(new ArrayList<>());
                received.add(mine);
                var app = f.app(in -> {
                    if (in.message().hasPeerUpdate()) {
                        mine.add(in.message().getPeerUpdate());
                    }
                });
                app.call(
                        AppMessage.newBuilder()
                                .setSubscribe(Subscribe.getDefaultInstance())
                                .build(),
                        HelperFixture.WAIT);
            }
            assertEquals(100, f.helper.fanout().subscriberCount());
            int before = received.get(99).size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get(99).size() < before + 8) {
                assertTrue(System.nanoTime() < deadline, "the last subscriber got too few updates");
                Thread.sleep(50);
            }
            assertTrue(ne.stop().getSuccess());

            // Everyone saw the same sequence: each list is a contiguous run of the first subscriber's.
            List<PeerUpdate> reference = new ArrayList<>(received.get(0));
            for (int i = 1; i < 100; i++) {
                List<PeerUpdate> mine = new ArrayList<>(received.get(i));
                assertFalse(mine.isEmpty(), "subscriber " + i + " got nothing");
                int start = reference.indexOf(mine.get(0));
                assertTrue(start >= 0, "subscriber " + i + " got an update the first one never saw");
                int common = Math.min(mine.size(), reference.size() - start);
                assertEquals(
                        reference.subList(start, start + common),
                        mine.subList(0, common),
                        "subscriber " + i + " order");
                assertTrue(common >= 8, "subscriber " + i + " shares only " + common + " updates");
            }
        }
    }

    @Test
    @RequiresRootAndTun
    void aStalledSubscriberIsDisconnectedAndNeverDelaysTheOthers() throws Exception {
        var tunnel = HelperFixture.tunnel("100.124").withScenario(10, 20, Duration.ofMillis(50));
        try (HelperFixture f = HelperFixture.start(
                dir, tunnel, c -> c.toBuilder().subscriberQueueDepth(8).build())) {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());

            RecordingListener events = new RecordingListener();
            f.helper.addListener(events);

            // The stalled app: subscribes over a raw channel and then never reads.
            var stalled = UnixSocketChannel.<AppMessage, HelperAppMessage>connect(
                    f.helper.paths().appSocket(), HelperFixture.WAIT, HelperAppMessage.parser(), new FrameCodec());
            Endpoints.clientHandshake(Endpoints.Kind.APP, HelperFixture.WAIT)
                    .perform(stalled.rawInput(), stalled.rawOutput(), stalled);
            stalled.send(AppMessage.newBuilder()
                    .setRpc(RPC.newBuilder().setMsgId(1))
                    .setSubscribe(Subscribe.getDefaultInstance())
                    .build());

            BlockingQueue<PeerUpdate> arrivals = new LinkedBlockingQueue<>();
            var healthy = f.app(in -> {
                if (in.message().hasPeerUpdate()) {
                    arrivals.add(in.message().getPeerUpdate());
                }
            });
            healthy.call(
                    AppMessage.newBuilder()
                            .setSubscribe(Subscribe.getDefaultInstance())
                            .build(),
                    HelperFixture.WAIT);

            events.await(RecordingListener.SubscriberDropped.class, dropped -> true);
            assertEquals(1, f.helper.fanout().subscriberCount(), "only the stalled one was dropped");
            arrivals.clear();
            for (int i = 0; i < 10; i++) {
                assertNotNull(arrivals.poll(30, TimeUnit.SECONDS), "the healthy subscriber stopped receiving");
            }

            // Reading now, the stalled app finds its backlog, then the reason, then the end.
            HelperAppMessage last = null;
            Envelope<HelperAppMessage> in;
            while ((in = stalled.receive()) != null) {
                last = in.message();
            }
            assertNotNull(last);
            assertEquals("SLOW_CONSUMER", last.getError().getCode());
            assertEquals(
                    "subscriber fell more than 8 messages behind and was disconnected",
                    last.getError().getMessage());
            stalled.close();
        }
    }
}
