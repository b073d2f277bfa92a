package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StartResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SpeakerTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final ProtocolVersion V13 = new ProtocolVersion(1, 3);

    private PipePair pipes;
    /** The tunnel end, driven by hand so tests can misbehave on purpose. */
    private StreamTransport<TunnelMessage, ManagerMessage> peer;

    @BeforeEach
    void setUp() throws IOException {
        pipes = PipePair.open();
        peer = new StreamTransport<>(
                pipes.right.in(), pipes.right.out(), pipes.right, ManagerMessage.parser(), new FrameCodec());
    }

    @AfterEach
    void tearDown() throws IOException {
        pipes.close();
    }

    private Speaker<ManagerMessage, TunnelMessage> manager(Speaker.Handler<ManagerMessage, TunnelMessage> handler) {
        var transport = new StreamTransport<ManagerMessage, TunnelMessage>(
                pipes.left.in(), pipes.left.out(), pipes.left, TunnelMessage.parser(), new FrameCodec());
        return Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, handler);
    }

    private static ManagerMessage startFor(String url) {
        return ManagerMessage.newBuilder()
                .setStart(StartRequest.newBuilder().setCoderUrl(url))
                .build();
    }

    private static TunnelMessage oneWay(String text) {
        return TunnelMessage.newBuilder()
                .setLog(Log.newBuilder().setMessage(text))
                .build();
    }

    private WatchedTransport<ManagerMessage, TunnelMessage> watched(int watchedCall) {
        return new WatchedTransport<>(
                new StreamTransport<>(
                        pipes.left.in(), pipes.left.out(), pipes.left, TunnelMessage.parser(), new FrameCodec()),
                watchedCall);
    }

    private static TunnelMessage replyTo(long id, String text) {
        return TunnelMessage.newBuilder()
                .setRpc(RPC.newBuilder().setResponseTo(id))
                .setStart(StartResponse.newBuilder().setErrorMessage(text))
                .build();
    }

    @Test
    void requestsAreNumberedFromOneAndRepliesAreRoutedByResponseTo() throws Exception {
        var speaker = manager(in -> {});
        var first = speaker.request(startFor("a"), LONG);
        var second = speaker.request(startFor("b"), LONG);
        ManagerMessage a = peer.receive().message();
        ManagerMessage b = peer.receive().message();
        assertEquals(2, speaker.pendingRequests());
        assertEquals(1, a.getRpc().getMsgId());
        assertEquals(2, b.getRpc().getMsgId());
        peer.send(replyTo(2, "for b"));
        peer.send(replyTo(1, "for a"));
        assertEquals("for a", first.get().getStart().getErrorMessage());
        assertEquals("for b", second.get().getStart().getErrorMessage());
        assertEquals(0, speaker.pendingRequests());
        speaker.close();
    }

    @Test
    void athousandConcurrentCallsFromSixteenThreadsEachGetTheirOwnReply() throws Exception {
        var speaker = manager(in -> {});
        var tunnel = Speaker.start(
                "manager",
                peer,
                VpnRpc.TUNNEL,
                V13,
                in -> in.reply(TunnelMessage.newBuilder()
                        .setStart(StartResponse.newBuilder()
                                .setErrorMessage(
                                        "echo " + in.message().getStart().getCoderUrl()))
                        .build()));
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String url = "call-" + i;
                calls.add(threads.submit(() -> {
                    TunnelMessage reply = speaker.call(startFor(url), LONG);
                    assertEquals("echo " + url, reply.getStart().getErrorMessage());
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(0, speaker.pendingRequests());
        speaker.close();
        tunnel.close();
    }

    @Test
    void aReplyToAnUnknownIdIsDroppedAndTheSpeakerCarriesOn() throws Exception {
        var speaker = manager(in -> {});
        peer.send(replyTo(999, "nobody asked"));
        var call = speaker.request(startFor("x"), LONG);
        long id = peer.receive().message().getRpc().getMsgId();
        peer.send(replyTo(id, "real"));
        assertEquals("real", call.get().getStart().getErrorMessage());
        assertTrue(!speaker.isClosed());
        speaker.close();
    }

    @Test
    void aCallWithoutReplyTimesOutCleanlyAndALateReplyIsDropped() throws Exception {
        var speaker = manager(in -> {});
        RpcTimeoutException e =
                assertThrows(RpcTimeoutException.class, () -> speaker.call(startFor("slow"), Duration.ofMillis(200)));
        assertEquals("no reply from tunnel to request 1 within 200 ms", e.getMessage());
        assertEquals(0, speaker.pendingRequests());
        peer.receive();
        peer.send(replyTo(1, "too late"));
        var next = speaker.request(startFor("next"), LONG);
        long id = peer.receive().message().getRpc().getMsgId();
        peer.send(replyTo(id, "on time"));
        assertEquals("on time", next.get().getStart().getErrorMessage());
        speaker.close();
    }

    @Test
    void whenThePeerHangsUpPendingCallsFailAtOnceWithAClosedError() throws Exception {
        var speaker = manager(in -> {});
        var call = speaker.request(startFor("doomed"), LONG);
        peer.receive();
        pipes.right.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SpeakerClosedException.class, e.getCause());
        assertNull(speaker.closeFuture().get(), "a clean end of stream closes without an error");
        SpeakerClosedException after = assertThrows(SpeakerClosedException.class, () -> speaker.send(startFor("late")));
        assertEquals("speaker tunnel is closed", after.getMessage());
        assertThrows(SpeakerClosedException.class, () -> speaker.call(startFor("late"), LONG));
    }

    @Test
    void garbageProtobufClosesTheStreamAndFailsPendingCalls() throws Exception {
        var speaker = manager(in -> {});
        var call = speaker.request(startFor("x"), LONG);
        peer.receive();
        new FrameCodec().writeFrame(pipes.right.out(), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        Throwable cause = speaker.closeFuture().get(10, TimeUnit.SECONDS);
        assertInstanceOf(ProtocolException.class, cause);
        assertTrue(cause.getMessage().startsWith("garbage protobuf in a frame of 3 bytes"), cause.getMessage());
        ExecutionException e = assertThrows(ExecutionException.class, call::get);
        assertTrue(
                e.getCause().getMessage().contains("garbage protobuf"),
                e.getCause().getMessage());
        assertNull(peer.receive(), "the speaker closed its side: the peer reads end of stream");
    }

    @Test
    void anOversizedFrameClosesTheStream() throws Exception {
        var speaker = manager(in -> {});
        pipes.right.out().write(new byte[] {0x01, 0x00, 0x00, 0x01});
        Throwable cause = speaker.closeFuture().get(10, TimeUnit.SECONDS);
        assertEquals("frame of 16777217 bytes exceeds the maximum of 16777216 bytes", cause.getMessage());
    }

    @Test
    void requestsAndOneWayMessagesReachTheHandlerInOrderAndItsExceptionsAreNotFatal() throws Exception {
        var seen = new LinkedBlockingQueue<String>();
        var speaker = manager(in -> {
            String text = in.message().getLog().getMessage();
            seen.add(text + (in.isRequest() ? " (request " + in.msgId() + ")" : ""));
            if (text.equals("boom")) {
                throw new IllegalStateException("handler bug");
            }
        });
        for (String text : List.of("one", "boom", "three")) {
            peer.send(TunnelMessage.newBuilder()
                    .setLog(Log.newBuilder().setMessage(text))
                    .build());
        }
        peer.send(TunnelMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(7))
                .setLog(Log.newBuilder().setMessage("ask"))
                .build());
        assertEquals("one", seen.poll(5, TimeUnit.SECONDS));
        assertEquals("boom", seen.poll(5, TimeUnit.SECONDS));
        assertEquals("three", seen.poll(5, TimeUnit.SECONDS));
        assertEquals("ask (request 7)", seen.poll(5, TimeUnit.SECONDS));
        assertTrue(!speaker.isClosed());
        speaker.close();
    }

    @Test
    void aHandlerMayCallBackIntoTheSameSpeaker() throws Exception {
        // The tunnel's network-settings request is answered while the manager's start call is in flight.
        var tunnel = Speaker.start("manager", peer, VpnRpc.TUNNEL, V13, in -> {
            ManagerMessage reply = in.speaker()
                    .call(
                            TunnelMessage.newBuilder()
                                    .setNetworkSettings(SampleMessages.settings())
                                    .build(),
                            LONG);
            in.reply(TunnelMessage.newBuilder()
                    .setStart(StartResponse.newBuilder()
                            .setSuccess(reply.getNetworkSettings().getSuccess()))
                    .build());
        });
        var speaker = manager(in -> in.reply(ManagerMessage.newBuilder()
                .setNetworkSettings(dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse.newBuilder()
                        .setSuccess(true))
                .build()));
        assertTrue(speaker.call(startFor("x"), LONG).getStart().getSuccess());
        speaker.close();
        tunnel.close();
    }

    @Test
    void closingLocallyFailsPendingCallsAndCompletesWithoutError() throws Exception {
        var speaker = manager(in -> {});
        var call = speaker.request(startFor("x"), LONG);
        speaker.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SpeakerClosedException.class, e.getCause());
        assertNull(speaker.closeFuture().get());
        assertTrue(CompletableFuture.completedFuture(null).isDone());
    }

    @Test
    void byTheTimeCloseFutureCompletesEveryPendingCallHasFailed() throws Exception {
        for (int round = 0; round < 50; round++) {
            try (PipePair local = PipePair.open()) {
                var transport = new StreamTransport<ManagerMessage, TunnelMessage>(
                        local.left.in(), local.left.out(), local.left, TunnelMessage.parser(), new FrameCodec());
                var speaker = Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, in -> {});
                var calls = new ArrayList<CompletableFuture<TunnelMessage>>();
                for (int i = 0; i < 5; i++) {
                    calls.add(speaker.request(startFor("x" + i), LONG));
                }
                local.right.close();
                speaker.closeFuture().get(10, TimeUnit.SECONDS);
                for (CompletableFuture<TunnelMessage> call : calls) {
                    assertTrue(
                            call.isCompletedExceptionally(),
                            "round " + round + ": a call was still pending after close");
                }
            }
        }
    }

    @Test
    void aOneWayMessageThatArrivedBeforeAReplyIsHandledBeforeTheReplyCompletesItsCall() throws Exception {
        // receive() 1 returns the push, 2 the reply; the 3rd call means the reply has been routed.
        var transport = watched(3);
        var call = new CompletableFuture<CompletableFuture<TunnelMessage>>();
        var replySeenDuringPush = new CompletableFuture<Boolean>();
        var speaker = Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, in -> {
            transport.askedForMore.get();
            replySeenDuringPush.complete(call.get().isDone());
        });
        call.complete(speaker.request(startFor("x"), LONG));
        long id = peer.receive().message().getRpc().getMsgId();
        peer.send(oneWay("pushed before the reply"));
        peer.send(replyTo(id, "the reply"));
        assertFalse(
                replySeenDuringPush.get(),
                "the call saw its reply while the push sent before it was still being handled");
        assertEquals("the reply", call.get().get().getStart().getErrorMessage());
        speaker.close();
    }

    @Test
    void aCallFailsOnlyAfterTheMessagesThatArrivedBeforeTheCloseWereHandled() throws Exception {
        var transport = watched(Integer.MAX_VALUE);
        var call = new CompletableFuture<CompletableFuture<TunnelMessage>>();
        var failedDuringLastMessage = new CompletableFuture<Boolean>();
        var speaker = Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, in -> {
            // The reader has seen the end of the stream and is done with it.
            transport.reader.get().join();
            failedDuringLastMessage.complete(call.get().isDone());
        });
        call.complete(speaker.request(startFor("x"), LONG));
        peer.receive();
        peer.send(oneWay("error: closing"));
        pipes.right.close();
        assertFalse(
                failedDuringLastMessage.get(),
                "the call failed before the message sent ahead of the close was handled");
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> call.get().get(10, TimeUnit.SECONDS));
        assertInstanceOf(SpeakerClosedException.class, e.getCause());
        assertNull(speaker.closeFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void repliesAndOneWayMessagesAreObservedInArrivalOrder() throws Exception {
        var observed = new LinkedBlockingQueue<String>();
        var speaker = manager(in -> observed.add(in.message().getLog().getMessage()));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            speaker.request(
                    startFor("r" + i),
                    LONG,
                    reply -> observed.add(reply.getStart().getErrorMessage()));
        }
        for (int i = 0; i < 200; i++) {
            long id = peer.receive().message().getRpc().getMsgId();
            peer.send(oneWay("push " + i));
            peer.send(replyTo(id, "reply " + i));
            expected.add("push " + i);
            expected.add("reply " + i);
        }
        for (String next : expected) {
            assertEquals(next, observed.poll(10, TimeUnit.SECONDS));
        }
        speaker.close();
    }

    @Test
    void aHandlerWaitingForItsOwnRequestIsToldAtOnceWhenThePeerCloses() throws Exception {
        var failure = new CompletableFuture<Throwable>();
        var speaker = manager(in -> {
            try {
                in.speaker().call(startFor("from the handler"), LONG);
            } catch (IOException e) {
                failure.complete(e);
            }
        });
        peer.send(oneWay("go"));
        assertEquals("from the handler", peer.receive().message().getStart().getCoderUrl());
        pipes.right.close();
        assertInstanceOf(SpeakerClosedException.class, failure.get(10, TimeUnit.SECONDS));
        assertNull(speaker.closeFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void anOpenedSpeakerHasNoThreadsAndReadsNothingUntilStarted() throws Exception {
        var transport = watched(1);
        var speaker = Speaker.open("not-yet", transport, VpnRpc.MANAGER, V13, in -> {});
        assertEquals(List.of(), threadsNamed("speaker-not-yet-"), "open() started a thread");
        speaker.start();
        transport.askedForMore.get(10, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, speaker::start);
        speaker.close();
    }

    @Test
    void aRequestsOnReplyRunsOnTheReplyBeforeItsFutureCompletes() throws Exception {
        var speaker = manager(in -> {});
        var seenFirst = new CompletableFuture<String>();
        var call = speaker.request(
                startFor("x"),
                LONG,
                reply -> seenFirst.complete(reply.getStart().getErrorMessage()));
        long id = peer.receive().message().getRpc().getMsgId();
        peer.send(replyTo(id, "the reply"));
        assertEquals("the reply", call.get(10, TimeUnit.SECONDS).getStart().getErrorMessage());
        assertEquals("the reply", seenFirst.getNow(null), "onReply ran before the future completed");
        speaker.close();
    }

    @Test
    void aRequestThatCannotBeSentFailsAtOnceWithTheReasonAndTheSpeakerCarriesOn() throws Exception {
        var transport = new StreamTransport<ManagerMessage, TunnelMessage>(
                pipes.left.in(), pipes.left.out(), pipes.left, TunnelMessage.parser(), new FrameCodec(64));
        var speaker = Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, in -> {});
        var tooBig = speaker.request(startFor("x".repeat(100)), LONG);
        ExecutionException e = assertThrows(ExecutionException.class, () -> tooBig.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ProtocolException.class, e.getCause());
        assertTrue(
                e.getCause().getMessage().startsWith("refusing to send a frame of"),
                e.getCause().getMessage());
        assertEquals(0, speaker.pendingRequests());

        var next = speaker.request(startFor("small"), LONG);
        ManagerMessage sent = peer.receive().message();
        assertEquals("small", sent.getStart().getCoderUrl(), "nothing of the refused request reached the peer");
        peer.send(replyTo(sent.getRpc().getMsgId(), "ok"));
        assertEquals("ok", next.get(10, TimeUnit.SECONDS).getStart().getErrorMessage());
        speaker.close();
    }

    @Test
    void aCallMadeAfterTheStreamEndedFailsOnlyAfterTheMessagesThatArrivedBeforeTheEnd() throws Exception {
        var transport = watched(Integer.MAX_VALUE);
        var stall = new Stall();
        var speaker = stall.start(transport);
        try {
            peer.send(oneWay("error: closing"));
            pipes.right.close();
            stall.handling.get(10, TimeUnit.SECONDS);
            transport.reader.get().join(); // the reader has seen the end and closed the transport

            var late = speaker.request(startFor("late"), LONG);
            assertFalse(late.isDone(), "the call failed before the message sent ahead of the end was handled");
            stall.release.complete(null);
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SpeakerClosedException.class, e.getCause());
        } finally {
            stall.release.complete(null);
        }
    }

    @Test
    void closingFailsPendingCallsAtOnceWhileAHandlerIsBusyAndStillDeliversWhatWasQueued() throws Exception {
        var transport = watched(3); // the 3rd receive means both messages have been queued
        var handled = new LinkedBlockingQueue<String>();
        var release = new CompletableFuture<Void>();
        var speaker = Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, in -> {
            handled.add(in.message().getLog().getMessage());
            release.get();
        });
        try {
            var call = speaker.request(startFor("x"), LONG);
            peer.receive();
            peer.send(oneWay("first"));
            peer.send(oneWay("queued"));
            assertEquals("first", handled.poll(10, TimeUnit.SECONDS));
            transport.askedForMore.get(10, TimeUnit.SECONDS);
            assertFalse(speaker.isClosed());

            speaker.close();
            assertTrue(speaker.isClosed());
            assertTrue(speaker.closeFuture().isDone(), "a local close completes at once, busy handler or not");
            assertTrue(call.isCompletedExceptionally(), "a pending call fails at once");
            release.complete(null);
            assertEquals("queued", handled.poll(10, TimeUnit.SECONDS), "a message queued before the close");
        } finally {
            release.complete(null);
        }
    }

    @Test
    void closingStopsAReaderThatWaitsForRoomBehindAStalledHandler() throws Exception {
        // One message in the handler, a full queue behind it, and one more the reader holds.
        int messages = 1 + 1024 + 1;
        var transport = watched(messages);
        var stall = new Stall();
        var speaker = stall.start(transport);
        try {
            for (int i = 0; i < messages; i++) {
                peer.send(oneWay("m" + i));
            }
            stall.handling.get(10, TimeUnit.SECONDS);
            transport.askedForMore.get(10, TimeUnit.SECONDS);
            speaker.close();
            Thread reader = transport.reader.get();
            reader.join(Duration.ofSeconds(10).toMillis());
            assertFalse(reader.isAlive(), "the reader still waits for room the stalled handler will not make");
        } finally {
            stall.release.complete(null);
        }
    }

    @Test
    void aRequestCanNoLongerBeAnsweredOnceTheSpeakerIsClosedAndAOneWayMessageNeverCanBe() throws Exception {
        var incoming = new LinkedBlockingQueue<Incoming<ManagerMessage, TunnelMessage>>();
        var speaker = manager(incoming::add);
        peer.send(oneWay("just saying"));
        peer.send(TunnelMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(5))
                .setLog(Log.newBuilder().setMessage("asking"))
                .build());
        var oneWay = incoming.poll(10, TimeUnit.SECONDS);
        var request = incoming.poll(10, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, () -> oneWay.reply(ManagerMessage.getDefaultInstance()));
        assertFalse(oneWay.answered());
        assertFalse(request.answered());

        speaker.close();
        SpeakerClosedException e =
                assertThrows(SpeakerClosedException.class, () -> request.reply(ManagerMessage.getDefaultInstance()));
        assertEquals("speaker tunnel is closed", e.getMessage());
        assertTrue(request.answered(), "reply was called, whatever became of the send");
    }

    /** A handler that holds the dispatcher on the first message it gets until released. */
    private static final class Stall {
        final CompletableFuture<Void> handling = new CompletableFuture<>();
        final CompletableFuture<Void> release = new CompletableFuture<>();

        Speaker<ManagerMessage, TunnelMessage> start(MessageTransport<ManagerMessage, TunnelMessage> transport) {
            return Speaker.start("tunnel", transport, VpnRpc.MANAGER, V13, in -> {
                handling.complete(null);
                release.get();
            });
        }
    }

    static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .toList();
    }
}
