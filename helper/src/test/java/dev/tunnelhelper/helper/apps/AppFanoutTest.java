package dev.tunnelhelper.helper.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.Pong;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.RPC;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The fan-out over real Unix-socket connections: a subscriber whose app stopped reading holds
 * up nobody (docs/security.md, "Bounded input", a slow app). The stalled app subscribes first, so
 * a fan-out that wrote to its subscribers one after the other, blocking, would be stuck on it.
 */
class AppFanoutTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far beyond a Unix socket's buffers: a blocking write of it to an app that does not read cannot complete. */
    private static final int LARGER_THAN_THE_SOCKET_BUFFERS = 4 << 20;

    @TempDir
    Path dir;

    private AFUNIXServerSocket server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private AppFanout fanout =
            new AppFanout("test", new FanoutLimits(8, FanoutLimits.DEFAULT_BYTES), new SessionEventListener() {});

    @BeforeEach
    void listen() throws IOException {
        server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(dir.resolve("app.sock")));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        server.close();
    }

    /** A subscribed app connection: the helper's side goes to the fan-out, the app's side is returned unread. */
    private UnixSocketChannel<AppMessage, HelperAppMessage> subscribe(String who) throws IOException {
        var app = connectApp();
        fanout.startDelivery(fanout.subscribe(acceptHelperSide(who), who));
        return app;
    }

    private UnixSocketChannel<AppMessage, HelperAppMessage> connectApp() throws IOException {
        var app = UnixSocketChannel.<AppMessage, HelperAppMessage>connect(
                dir.resolve("app.sock"), WAIT, HelperAppMessage.parser(), new FrameCodec());
        open.add(app);
        return app;
    }

    /** The helper's side of the connection {@link #connectApp} made. */
    private Speaker<HelperAppMessage, AppMessage> acceptHelperSide(String who) throws IOException {
        return acceptHelperSide(who, in -> {});
    }

    /** The helper's side, answering the app's requests with {@code handler}. */
    private Speaker<HelperAppMessage, AppMessage> acceptHelperSide(
            String who, Speaker.Handler<HelperAppMessage, AppMessage> handler) throws IOException {
        var helperSide = UnixSocketChannel.<HelperAppMessage, AppMessage>wrap(
                server.accept(), AppMessage.parser(), new FrameCodec(), who);
        Speaker<HelperAppMessage, AppMessage> speaker = Speaker.start(
                who,
                helperSide,
                Endpoints.HELPER_APP,
                Endpoints.VERSIONS.versions().get(0),
                handler);
        open.add(speaker);
        return speaker;
    }

    private static TunnelFrame update(String agentName, int padding) {
        return TunnelFrame.newBuilder()
                .setPeerUpdate(PeerUpdate.newBuilder()
                        .addUpsertedAgents(Agent.newBuilder()
                                .setId(ByteString.copyFromUtf8(agentName))
                                .setName(agentName)
                                .addFqdn("x".repeat(padding)))
                        .build()
                        .toByteString())
                .build();
    }

    /** An app that reads: the peer updates pushed to it, as they arrive. */
    private BlockingQueue<PeerUpdate> reading(UnixSocketChannel<AppMessage, HelperAppMessage> app) {
        BlockingQueue<PeerUpdate> arrivals = new LinkedBlockingQueue<>();
        open.add(Speaker.start(
                "reading-app",
                app,
                Endpoints.APP,
                Endpoints.VERSIONS.versions().get(0),
                in -> arrivals.add(in.message().getPeerUpdate())));
        return arrivals;
    }

    private static String nextAgent(BlockingQueue<PeerUpdate> arrivals) throws InterruptedException {
        PeerUpdate update = arrivals.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(update, "an update did not reach the app that reads");
        return update.getUpsertedAgents(0).getName();
    }

    private static PeerUpdate next(UnixSocketChannel<AppMessage, HelperAppMessage> app) throws IOException {
        Envelope<HelperAppMessage> in = app.receive();
        assertNotNull(in, "the connection ended");
        return in.message().getPeerUpdate();
    }

    /** Relays {@code message} as the session's thread does, and waits until the fan-out has taken it. */
    private void relay(TunnelFrame message) throws InterruptedException {
        BlockingQueue<String> relayed = new LinkedBlockingQueue<>();
        NamedThreads.start("session-stand-in", () -> {
            fanout.messageRelayed(message);
            relayed.add("relayed");
        });
        assertEquals(
                "relayed",
                relayed.poll(WAIT.toSeconds(), TimeUnit.SECONDS),
                "the session was held up by the stalled app");
    }

    @Test
    void anAppThatStopsReadingDelaysNoUpdateForTheSubscribersAfterIt() throws Exception {
        var stalled = subscribe("stalled");
        relay(update("big", LARGER_THAN_THE_SOCKET_BUFFERS)); // its writer is stuck on this one for good

        var healthy = reading(subscribe("healthy"));
        relay(update("small", 1));

        assertEquals(
                "small",
                nextAgent(healthy),
                "the app after the stalled one got the update while the stalled one read nothing");

        // The stalled app, reading at last, has lost nothing either: it was within its queue.
        assertEquals("big", next(stalled).getUpsertedAgents(0).getName());
        assertEquals("small", next(stalled).getUpsertedAgents(0).getName());
        assertEquals(2, fanout.subscriberCount());
    }

    @Test
    void aSubscriberMoreThanItsByteBudgetBehindIsDroppedWithSlowConsumerWhileTheOthersGetEveryUpdateInOrder()
            throws Exception {
        int budget = 256 << 10;
        int updateSize = 64 << 10;
        int updates = LARGER_THAN_THE_SOCKET_BUFFERS / updateSize; // more than the socket holds plus the budget
        BlockingQueue<String> drops = new LinkedBlockingQueue<>();
        fanout = new AppFanout("test", new FanoutLimits(1024, budget), new SessionEventListener() {
            @Override
            public void subscriberDropped(String who, String reason) {
                drops.add(who + ": " + reason);
            }
        });
        var stalled = subscribe("stalled");
        var healthy = reading(subscribe("healthy"));
        List<String> sent = new ArrayList<>();
        List<String> healthyGot = new ArrayList<>();
        for (int i = 0; i < updates; i++) {
            sent.add("agent-" + i);
            relay(update("agent-" + i, updateSize));
            healthyGot.add(nextAgent(healthy)); // it keeps up: one update at a time, never near the budget
        }

        assertEquals(sent, healthyGot, "the app that reads got every update, in order");
        assertEquals(
                "stalled: subscriber fell more than " + budget + " bytes behind and was disconnected",
                drops.poll(WAIT.toSeconds(), TimeUnit.SECONDS),
                "the stalled app was not dropped although its unwritten pushes exceeded the budget");
        assertEquals(null, drops.poll(), "dropped once");

        // The stalled app, reading at last: a prefix of the updates in order, then SLOW_CONSUMER, then the end.
        List<String> stalledGot = new ArrayList<>();
        HelperAppMessage last = null;
        for (Envelope<HelperAppMessage> in = stalled.receive(); in != null; in = stalled.receive()) {
            last = in.message();
            if (last.hasPeerUpdate()) {
                stalledGot.add(last.getPeerUpdate().getUpsertedAgents(0).getName());
            }
        }
        assertNotNull(last);
        assertEquals(ErrorCode.SLOW_CONSUMER.name(), last.getError().getCode());
        assertEquals(sent.subList(0, stalledGot.size()), stalledGot);
        assertTrue(stalledGot.size() < updates);
        assertEquals(1, fanout.subscriberCount(), "only the app that reads is still subscribed");

        // Subscribing again starts from the full state: every agent, in the order first seen.
        connectApp();
        HelperAppMessage again = Endpoints.HELPER_APP.withRpc(
                fanout.subscribe(acceptHelperSide("again"), "again").reply(),
                RPC.newBuilder().setResponseTo(7).build());
        HelperAppMessage decoded = HelperAppMessage.parseFrom(again.toByteArray());
        assertEquals(7, decoded.getRpc().getResponseTo());
        assertEquals(
                sent,
                decoded.getSubscribed().getPeers().getUpsertedAgentsList().stream()
                        .map(Agent::getName)
                        .toList());
    }

    @Test
    void everySubscriberIsWrittenByOneThreadHoweverManySubscribe() throws Exception {
        // One subscriber first: whatever the first delivery starts once per process (the writer,
        // the native library's threads) is there before the count.
        var first = reading(subscribe("first"));
        relay(update("first", 1));
        assertEquals("first", nextAgent(first));
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<BlockingQueue<PeerUpdate>> apps = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            apps.add(reading(subscribe("app-" + i)));
        }
        relay(update("everyone", 1));
        for (BlockingQueue<PeerUpdate> app : apps) {
            assertEquals("everyone", nextAgent(app));
        }

        // Each connection has its speaker's reader and dispatcher (both sides of it live in this
        // test); for writing, 64 more subscribers add no thread at all.
        List<String> addedThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> !name.startsWith("speaker-") && !name.startsWith("session-stand-in"))
                .toList();
        assertEquals(List.of(), addedThreads);
    }

    @Test
    void aPushTheSocketTookOnlyPartOfIsCompletedBeforeTheReplyAndThePushAfterIt() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        var app = connectApp();
        fanout.startDelivery(fanout.subscribe(
                acceptHelperSide("app", in -> {
                    in.reply(HelperAppMessage.newBuilder()
                            .setPong(Pong.newBuilder().setHelperVersion("test"))
                            .build());
                    answered.countDown();
                }),
                "app"));
        // Far more than the socket holds: written in part, the rest waits until the app reads.
        relay(update("big", LARGER_THAN_THE_SOCKET_BUFFERS));
        app.send(AppMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(7))
                .setPing(Ping.getDefaultInstance())
                .build());
        assertTrue(answered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the request was not answered");
        relay(update("small", 1));

        PeerUpdate big = next(app);
        assertEquals("big", big.getUpsertedAgents(0).getName());
        assertEquals(
                LARGER_THAN_THE_SOCKET_BUFFERS,
                big.getUpsertedAgents(0).getFqdn(0).length());
        Envelope<HelperAppMessage> reply = app.receive();
        assertNotNull(reply, "the connection ended before the reply");
        assertEquals(7, reply.message().getRpc().getResponseTo());
        assertEquals("test", reply.message().getPong().getHelperVersion());
        assertEquals("small", next(app).getUpsertedAgents(0).getName());
    }
}
