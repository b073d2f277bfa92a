package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.FrameOutbox;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.Pong;
import dev.tunnelhelper.protocol.vpn.RPC;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.slf4j.LoggerFactory;

/**
 * The carrier-independent admission of a peer (docs/protocol.md §2.1, 4. and 5.; docs/security.md,
 * "Bounded input"): the access policy first, then the connection limits; a refused peer told
 * UNAUTHORIZED and why, never served; refusals and failed hellos logged with who and why, at most
 * five lines per uid and minute; an admitted peer's handler failures answered INTERNAL, except
 * where the peer has gone. Other users are stood in for by the identities and the policy the test
 * passes; the channels are real socket pairs.
 */
/* A blocking read that never returns fails the test instead of hanging the run. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerAdmissionTest {
    private static final long WAIT_SECONDS = 10;
    private static final long HELPER_UID = 1000;
    private static final PeerIdentity ALLOWED = new PeerIdentity(1001, 1001, 11, List.of());
    private static final PeerIdentity STRANGER = new PeerIdentity(65534, 65534, 4242, List.of(100L));

    private final LogRecorder recorder = new LogRecorder();
    private final Logger admissionLog = (Logger) LoggerFactory.getLogger(PeerAdmission.class);
    private final BlockingQueue<Served> served = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final PeerAdmission<HelperAppMessage, AppMessage> admission = new PeerAdmission<>(AppEndpointSpecs.app(
            AccessPolicy.app(HELPER_UID, Set.of(ALLOWED.uid()), Set.of())::refusal,
            who -> {
                Served s = new Served();
                served.add(s);
                return s;
            },
            new ConnectionLimits(8, 2, 1, ConnectionLimits.IDLE_TIMEOUT, HELPER_UID)));

    @BeforeEach
    void record() {
        recorder.start();
        admissionLog.setLevel(Level.INFO); // the build's logback-test.xml logs only WARN and above
        admissionLog.addAppender(recorder);
    }

    @AfterEach
    void stop() throws Exception {
        admissionLog.detachAppender(recorder);
        admissionLog.setLevel(null);
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        for (Served s : served) {
            s.closed.get(WAIT_SECONDS, TimeUnit.SECONDS); // nothing of this test is still closing after it
        }
    }

    @Test
    void thePolicyDecidesFirstAndARefusedPeerTakesNoSlot() {
        PeerAdmission.Decision refused = admission.decide(STRANGER);
        assertNull(refused.slot());
        assertEquals("uid 65534 (gid 65534) may not use the app endpoint", refused.refusal());
        assertEquals(0, admission.openConnections());
        assertTrue(admission.drained().isDone());
    }

    @Test
    void anAllowedPeerGetsASlotUntilItsUserIsOverTheLimit() {
        PeerAdmission.Decision first = admission.decide(ALLOWED);
        assertNotNull(first.slot());
        assertNull(first.refusal());
        assertEquals(1, admission.openConnections());
        PeerAdmission.Decision second = admission.decide(ALLOWED);
        assertNull(second.slot());
        assertEquals(
                "uid 1001 already has 1 connections to the app endpoint, the most one user may have", second.refusal());
        assertNotNull(
                admission.decide(new PeerIdentity(HELPER_UID, 0, 12, List.of())).slot(), "not limited per uid");
        first.slot().release();
        assertEquals(1, admission.openConnections());
    }

    @Test
    void aLingeringRefusedPeerLimitsNobodyButTheEndpointIsNotDrainedUntilItGoes() {
        ConnectionSlots.Slot lingering = admission.lingering(STRANGER);
        assertEquals(0, admission.openConnections());
        CompletableFuture<Void> drained = admission.drained();
        assertFalse(drained.isDone());
        lingering.release();
        assertTrue(drained.isDone());
    }

    @Test
    void theRefusalFrameIsAOneWayUnauthorizedErrorWithTheReason() {
        HelperAppMessage frame = admission.refusalFrame("not you");
        assertEquals(ErrorCode.UNAUTHORIZED.name(), frame.getError().getCode());
        assertEquals("not you", frame.getError().getMessage());
        assertFalse(frame.hasRpc(), "one-way");
    }

    @Test
    void aRefusalIsLoggedWithWhoAndWhyAtMostFiveTimesPerUserAndMinute() throws Exception {
        for (int i = 0; i < 8; i++) {
            admission.logRefusal(STRANGER, "not you " + i);
        }
        admission.logRefusal(ALLOWED, "another user");
        List<ILoggingEvent> lines = drainLog();
        assertEquals(6, lines.size(), "five about 65534, one about 1001");
        for (int i = 0; i < 5; i++) {
            ILoggingEvent line = lines.get(i);
            assertEquals(Level.WARN, line.getLevel());
            assertEquals("refused peer", line.getMessage());
            assertEquals(
                    Map.of(
                            "endpoint", "app",
                            "uid", 65534L,
                            "gid", 65534L,
                            "pid", 4242L,
                            "reason", "not you " + i,
                            "suppressedSinceLast", 0L),
                    fields(line));
        }
        assertEquals(1001L, fields(lines.get(5)).get("uid"), "another user has a budget of its own");
    }

    @Test
    void aPeerThatLeftWithoutAByteIsAProbeAtInfoAFailedHelloAWarningBothThrottledWithRefusals() throws Exception {
        admission.logHelloFailure(STRANGER, "stream ended after 0 header bytes, before the newline", true);
        admission.logHelloFailure(STRANGER, "wrong role: expected app, got extension", false);
        for (int i = 0; i < 5; i++) {
            admission.logRefusal(STRANGER, "not you");
        }
        List<ILoggingEvent> lines = drainLog();
        assertEquals(5, lines.size(), "one budget per uid for both kinds of line");
        assertEquals(Level.INFO, lines.get(0).getLevel());
        assertEquals("peer left before its hello", lines.get(0).getMessage());
        assertEquals(
                Map.of(
                        "endpoint",
                        "app",
                        "peer",
                        STRANGER,
                        "reason",
                        "stream ended after 0 header bytes, before the newline",
                        "suppressedSinceLast",
                        0L),
                fields(lines.get(0)));
        assertEquals(Level.WARN, lines.get(1).getLevel());
        assertEquals("hello failed", lines.get(1).getMessage());
        assertEquals(
                "wrong role: expected app, got extension", fields(lines.get(1)).get("reason"));
        admission.logHelloFailure(STRANGER, "more", false);
        assertTrue(drainLog().isEmpty(), "over the budget");
    }

    @Test
    void aRefusedPeerIsToldWhyAndNeverServed() throws Exception {
        Pair pair = pair(STRANGER);
        assertEquals(Optional.of("uid 65534 (gid 65534) may not use the app endpoint"), admission.admit(pair.helper));
        HelperAppMessage told = pair.readFrame();
        assertEquals(ErrorCode.UNAUTHORIZED.name(), told.getError().getCode());
        assertEquals(
                "uid 65534 (gid 65534) may not use the app endpoint",
                told.getError().getMessage());
        assertTrue(served.isEmpty());
        assertEquals(0, admission.openConnections());
        assertEquals("refused peer", drainLog().get(0).getMessage());
    }

    @Test
    void aRefusedPeerThatHasGoneIsRefusedAllTheSame() throws Exception {
        Pair pair = pair(STRANGER);
        pair.peer.close();
        assertEquals(Optional.of("uid 65534 (gid 65534) may not use the app endpoint"), admission.admit(pair.helper));
        assertTrue(served.isEmpty());
    }

    @Test
    void anAdmittedPeerIsServedUntilItLeavesAndItsSlotThenComesBack() throws Exception {
        Pair pair = pair(ALLOWED);
        assertEquals(Optional.empty(), admission.admit(pair.helper));
        Served s = served.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(s);
        assertNotNull(s.speaker.get(WAIT_SECONDS, TimeUnit.SECONDS), "attached before anything is read");
        assertEquals(1, admission.openConnections());
        pair.write(request(3, Behaviour.ANSWER));
        assertEquals(3, pair.readFrame().getRpc().getResponseTo());
        pair.peer.close();
        assertNull(s.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(admission.decide(ALLOWED).slot(), "the slot came back");
    }

    @Test
    void aHandlerThatThrowsIsAnsweredInternalOnceAndOnlyForARequestNotAnsweredYet() throws Exception {
        Pair pair = pair(ALLOWED);
        admission.admit(pair.helper);
        pair.write(request(1, Behaviour.THROW));
        pair.write(request(2, Behaviour.ANSWER_THEN_THROW));
        pair.write(oneWay(Behaviour.THROW));
        pair.write(request(4, Behaviour.ANSWER));
        HelperAppMessage first = pair.readFrame();
        assertEquals(1, first.getRpc().getResponseTo());
        assertEquals(ErrorCode.INTERNAL.name(), first.getError().getCode());
        assertEquals(
                "the helper failed to handle request 1; its log says why",
                first.getError().getMessage());
        HelperAppMessage second = pair.readFrame();
        assertEquals(2, second.getRpc().getResponseTo());
        assertTrue(second.hasPong(), "its own answer, and no INTERNAL after it");
        HelperAppMessage fourth = pair.readFrame();
        assertEquals(4, fourth.getRpc().getResponseTo(), "nothing for the one-way message");
    }

    @Test
    void aReplyThatCannotBeWrittenBecauseThePeerHasGoneIsNotAnsweredInternal() throws Exception {
        Pair pair = pair(ALLOWED);
        admission.admit(pair.helper);
        pair.write(request(1, Behaviour.PEER_GONE));
        pair.write(request(2, Behaviour.ANSWER));
        assertEquals(2, pair.readFrame().getRpc().getResponseTo(), "the first reply the peer sees");
    }

    @Test
    void internalErrorsNameTheRequestAndNeverTheException() {
        assertEquals(
                "the helper failed to handle request 42; its log says why",
                PeerAdmission.internalError(42).getMessage());
        assertEquals(ErrorCode.INTERNAL.name(), PeerAdmission.internalError(42).getCode());
    }

    private List<ILoggingEvent> drainLog() {
        List<ILoggingEvent> lines = new ArrayList<>();
        recorder.events.drainTo(lines);
        return lines.stream()
                .filter(e -> e.getMessage().equals("refused peer")
                        || e.getMessage().equals("hello failed")
                        || e.getMessage().equals("peer left before its hello"))
                .toList();
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    private enum Behaviour {
        ANSWER,
        THROW,
        ANSWER_THEN_THROW,
        PEER_GONE
    }

    private static AppMessage request(long msgId, Behaviour behaviour) {
        return AppMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(msgId))
                .setPing(Ping.newBuilder().setUnknownFields(unknown(behaviour)))
                .build();
    }

    private static AppMessage oneWay(Behaviour behaviour) {
        return AppMessage.newBuilder()
                .setPing(Ping.newBuilder().setUnknownFields(unknown(behaviour)))
                .build();
    }

    /** The behaviour asked for, as an unknown field of the ping (the message has none of its own). */
    private static UnknownFieldSet unknown(Behaviour behaviour) {
        return UnknownFieldSet.newBuilder()
                .addField(
                        15,
                        UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(ByteString.copyFromUtf8(behaviour.name()))
                                .build())
                .build();
    }

    private Pair pair(PeerIdentity as) throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> sockets = AFUNIXSocketPair.open();
        cleanup.add(sockets);
        UnixSocketChannel<HelperAppMessage, AppMessage> real = UnixSocketChannel.wrap(
                (AFUNIXSocket) sockets.getFirst().socket(), AppMessage.parser(), new FrameCodec(), "pair");
        return new Pair(new PretendedPeer(real, as), sockets.getSecond());
    }

    /** The helper's end of a real socket pair, as if {@code as} had connected. */
    private record Pair(Channel<HelperAppMessage, AppMessage> helper, AFUNIXSocketChannel peer) {
        void write(AppMessage message) throws IOException {
            OutputStream out = peer.socket().getOutputStream();
            out.write(new FrameCodec().encode(message));
        }

        HelperAppMessage readFrame() throws IOException {
            InputStream in = peer.socket().getInputStream();
            return HelperAppMessage.parseFrom(new FrameCodec().readFrame(in));
        }
    }

    /**
     * A real channel that reports another user at its other end: the test runs as one uid, and
     * the kernel's credentials of a socket pair are its own.
     */
    private record PretendedPeer(Channel<HelperAppMessage, AppMessage> real, PeerIdentity peer)
            implements Channel<HelperAppMessage, AppMessage> {
        @Override
        public Envelope<AppMessage> receive() throws IOException {
            return real.receive();
        }

        @Override
        public void send(HelperAppMessage message, List<FileDescriptor> fds) throws IOException {
            real.send(message, fds);
        }

        @Override
        public void sendEncoded(EncodedFrame<HelperAppMessage> frame) throws IOException {
            real.sendEncoded(frame);
        }

        @Override
        public <T> Optional<T> handOverWrites(FrameOutbox<HelperAppMessage> outbox, IntFunction<T> takeSocket)
                throws IOException {
            return real.handOverWrites(outbox, takeSocket);
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }

    /** The helper's side of an admitted peer, behaving as each ping asks. */
    private static final class Served implements PeerConnection<HelperAppMessage, AppMessage> {
        final CompletableFuture<Speaker<HelperAppMessage, AppMessage>> speaker = new CompletableFuture<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override
        public void onMessage(Incoming<HelperAppMessage, AppMessage> incoming) throws Exception {
            Behaviour behaviour = Behaviour.valueOf(incoming.message()
                    .getPing()
                    .getUnknownFields()
                    .getField(15)
                    .getLengthDelimitedList()
                    .get(0)
                    .toStringUtf8());
            HelperAppMessage pong = HelperAppMessage.newBuilder()
                    .setPong(Pong.newBuilder().setHelperVersion("test"))
                    .build();
            switch (behaviour) {
                case ANSWER -> incoming.reply(pong);
                case THROW -> throw new IllegalStateException("a handler bug, on purpose");
                case ANSWER_THEN_THROW -> {
                    incoming.reply(pong);
                    throw new IllegalStateException("a handler bug after its answer, on purpose");
                }
                case PEER_GONE -> throw new SocketException("Broken pipe (as when the peer has gone)");
            }
        }

        @Override
        public void attached(Speaker<HelperAppMessage, AppMessage> s) {
            speaker.complete(s);
        }

        @Override
        public void closed(Throwable cause) {
            closed.complete(cause);
        }
    }
}
