package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.vpn.RPC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.LoggerFactory;

/**
 * The gate in front of a Unix-socket endpoint, on a real socket and its own thread, as a peer
 * sees it (docs/protocol.md §2.1): the helper's line at once; a valid line admitted with the
 * frames that follow it; a wrong, oversized or unfinished line, or none, answered with nothing
 * more, the connection closed and the reason logged; a refused peer told UNAUTHORIZED and why,
 * then let go; every connection held from accept to close counted, and released exactly once.
 * The helper runs as the test's uid; the policy and the limits stand in for other users.
 */
/* A blocking read that never returns fails the test instead of hanging the run. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HelloGateTest {
    private static final long WAIT_SECONDS = 10;
    private static final String OUR_LINE = "tunnelhelper helper 1.0";

    @TempDir
    Path dir;

    private final AtomicReference<String> refusal = new AtomicReference<>();
    private final BlockingQueue<Served> served = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final LogRecorder recorder = new LogRecorder();
    private final Logger admissionLog = (Logger) LoggerFactory.getLogger(PeerAdmission.class);
    private final Logger gateLog = (Logger) LoggerFactory.getLogger(HelloGate.class);

    private PeerAdmission<HelperAppMessage, AppMessage> admission;
    private HelloGate<HelperAppMessage, AppMessage> gate;
    private Thread gateThread;
    private Path path;
    private volatile boolean factoryFails;

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        if (gate != null) {
            gate.close();
            gateThread.join();
        }
        if (admission != null) {
            // Nothing of this test may still be closing while the next one counts descriptors.
            admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        admissionLog.detachAppender(recorder);
        gateLog.detachAppender(recorder);
        admissionLog.setLevel(null);
    }

    private void start(ConnectionLimits limits) throws IOException {
        recorder.start();
        admissionLog.setLevel(Level.INFO); // the build's logback-test.xml logs only WARN and above
        admissionLog.addAppender(recorder);
        gateLog.addAppender(recorder);
        EndpointSpec<HelperAppMessage, AppMessage> spec = AppEndpointSpecs.app(
                peer -> Optional.ofNullable(refusal.get()),
                who -> {
                    if (factoryFails) {
                        throw new IllegalStateException("no connection for " + who + ", on purpose");
                    }
                    Served s = new Served();
                    served.add(s);
                    return s;
                },
                limits);
        admission = new PeerAdmission<>(spec);
        path = dir.resolve("app.sock");
        AFUNIXServerSocketChannel server = AFUNIXSelectorProvider.provider().openServerSocketChannel();
        server.bind(AFUNIXSocketAddress.of(path));
        gate = new HelloGate<>(spec, admission, server, path, null);
        gateThread = NamedThreads.start("test-gate", gate::run);
    }

    private void start() throws IOException {
        start(ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, ownUid()));
    }

    private Peer connect() throws IOException {
        Peer p = new Peer(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path)));
        cleanup.add(p);
        return p;
    }

    @Test
    void anAdmittedPeerHearsOurLineFirstAndTheFramesSentWithItsLineReachItsConnection() throws Exception {
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine(), "written as soon as the connection is accepted");
        assertEquals(1, admission.openConnections(), "counted from accept, before its line");
        ByteArrayOutputStream lineAndFrame = new ByteArrayOutputStream();
        lineAndFrame.write("tunnelhelper app 1.0\n".getBytes(StandardCharsets.US_ASCII));
        lineAndFrame.write(new FrameCodec().encode(ping(7)));
        peer.write(lineAndFrame.toByteArray());
        Served s = nextServed();
        AppMessage first = s.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(first != null, "the frame that came with the line was not lost");
        assertEquals(7, first.getRpc().getMsgId());
        assertEquals(1, admission.openConnections());
        peer.close();
        assertNull(s.closed.get(WAIT_SECONDS, TimeUnit.SECONDS), "a clean end");
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(0, admission.openConnections());
    }

    @Test
    void aLineForTheOtherEndpointGetsNothingMoreAndItsSlotComesBack() throws Exception {
        assertHelloFails("tunnelhelper extension 1.0\n", Level.WARN, "wrong role: expected app, got extension");
    }

    @Test
    void aLineWithoutItsPreambleGetsNothingMore() throws Exception {
        assertHelloFails("hello app 1.0\n", Level.WARN, "bad preamble: expected tunnelhelper, got hello");
    }

    @Test
    void anOversizedLineIsRefusedAtItsTwoHundredAndFiftySixthByte() throws Exception {
        assertHelloFails("x".repeat(256), Level.WARN, "header is 256 bytes or more without a newline");
    }

    @Test
    void aPeerThatLeavesWithoutAByteIsAProbeLoggedAtInfo() throws Exception {
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine());
        peer.close();
        assertLogged(Level.INFO, "peer left before its hello", "stream ended after 0 header bytes, before the newline");
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aPeerThatSaysNothingHoldsItsSlotUntilItsHelloDeadline() throws Exception {
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine());
        assertEquals(1, admission.openConnections());
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertLogged(
                Level.INFO,
                "peer left before its hello",
                "handshake timed out after 5000 ms waiting for the peer's header");
        assertTrue(peer.endsWithoutMore(), "the helper closed it");
    }

    @Test
    void aRefusedPeerReadsOurLineAndWhyThenTheEndAndIsNeverServed() throws Exception {
        refusal.set("uid 65534 (gid 65534) may not use the app endpoint");
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine());
        HelperAppMessage told = peer.readFrame();
        assertEquals(ErrorCode.UNAUTHORIZED.name(), told.getError().getCode());
        assertEquals(
                "uid 65534 (gid 65534) may not use the app endpoint",
                told.getError().getMessage());
        assertFalse(told.hasRpc(), "one-way");
        assertTrue(peer.endsWithoutMore(), "nothing after the error");
        ILoggingEvent event =
                assertLogged(Level.WARN, "refused peer", "uid 65534 (gid 65534) may not use the app endpoint");
        Map<String, Object> fields = fields(event);
        assertEquals(ownUid(), fields.get("uid"));
        assertEquals(ProcessHandle.current().pid(), fields.get("pid"));
        assertEquals("app", fields.get("endpoint"));
        assertEquals(0, admission.openConnections(), "a refused peer limits nobody");
        peer.close();
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(served.isEmpty(), "no connection for a refused peer");
        gate.close();
        gateThread.join(); // everything the gate logs is logged by now
        assertTrue(
                recorder.events.stream()
                        .noneMatch(e -> e.getMessage().equals("hello failed")
                                || e.getMessage().equals("peer left before its hello")),
                "a refused peer that hangs up has not failed a hello");
    }

    @Test
    void whatARefusedPeerSendsIsReadAndDiscardedSoItCanStillReadWhy() throws Exception {
        refusal.set("not you");
        start();
        Peer peer = connect();
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write("tunnelhelper app 1.0\n".getBytes(StandardCharsets.US_ASCII));
        hello.write(new FrameCodec().encode(ping(1)));
        peer.write(hello.toByteArray());
        assertEquals(OUR_LINE, peer.readLine());
        assertEquals("not you", peer.readFrame().getError().getMessage());
        peer.close();
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(served.isEmpty());
    }

    @Test
    void aRefusedPeerThatKeepsItsEndOpenIsLetGoAllTheSame() throws Exception {
        refusal.set("not you");
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine());
        assertEquals("not you", peer.readFrame().getError().getMessage());
        // The peer keeps its end open: the gate lets go of it (at the latest when its 1 s linger ends).
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThrows(
                IOException.class,
                () -> {
                    for (int i = 0; i < 64; i++) {
                        peer.write(new byte[4096]);
                    }
                },
                "the helper closed its end");
    }

    @Test
    void aConnectionBeyondTheLimitIsRefusedNamingTheLimitWhileTheFirstWaitsForItsLine() throws Exception {
        start(new ConnectionLimits(1, 0, 1, ConnectionLimits.IDLE_TIMEOUT, ownUid()));
        Peer first = connect();
        assertEquals(OUR_LINE, first.readLine());
        Peer second = connect();
        assertEquals(OUR_LINE, second.readLine());
        assertEquals(
                "too many connections to the app endpoint (1)",
                second.readFrame().getError().getMessage());
        first.write("tunnelhelper app 1.0\n".getBytes(StandardCharsets.US_ASCII));
        Served s = nextServed();
        first.close();
        s.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        second.close();
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        Peer third = connect();
        assertEquals(OUR_LINE, third.readLine());
        third.write("tunnelhelper app 1.0\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(nextServed() != null, "the slot came back");
    }

    @Test
    void aPeerThatCannotBeServedIsClosedAndItsSlotReleased() throws Exception {
        factoryFails = true;
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine());
        peer.write("tunnelhelper app 1.0\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(peer.endsWithoutMore());
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        ILoggingEvent event = recorder.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        while (event != null && !event.getFormattedMessage().startsWith("app endpoint: could not start serving")) {
            event = recorder.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        assertTrue(event != null, "logged");
        assertEquals(Level.WARN, event.getLevel());
        factoryFails = false;
        Peer next = connect();
        assertEquals(OUR_LINE, next.readLine());
        next.write("tunnelhelper app 1.0\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(nextServed() != null, "the gate serves on");
    }

    @Test
    void closingTheGateDropsEveryConnectionItHoldsAndStopsAccepting() throws Exception {
        start();
        Peer waiting = connect();
        assertEquals(OUR_LINE, waiting.readLine());
        refusal.set("not you");
        Peer lingering = connect();
        assertEquals(OUR_LINE, lingering.readLine());
        assertEquals("not you", lingering.readFrame().getError().getMessage());
        gate.close();
        gateThread.join();
        assertTrue(waiting.endsWithoutMore());
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThrows(SocketException.class, () -> AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path)));
    }

    private void assertHelloFails(String line, Level level, String reason) throws Exception {
        start();
        Peer peer = connect();
        assertEquals(OUR_LINE, peer.readLine());
        peer.write(line.getBytes(StandardCharsets.US_ASCII));
        assertTrue(peer.endsWithoutMore(), "closed without a word");
        ILoggingEvent event = assertLogged(level, "hello failed", reason);
        assertEquals("app", fields(event).get("endpoint"));
        admission.drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(served.isEmpty(), "never served");
    }

    private ILoggingEvent assertLogged(Level level, String message, String reason) throws InterruptedException {
        ILoggingEvent event = recorder.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        while (event != null && !event.getMessage().equals(message)) {
            event = recorder.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        assertTrue(event != null, "logged: " + message);
        assertEquals(level, event.getLevel());
        assertEquals(reason, fields(event).get("reason"));
        return event;
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    private Served nextServed() throws InterruptedException {
        Served s = served.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(s != null, "the peer was handed to its connection");
        return s;
    }

    private static AppMessage ping(long msgId) {
        return AppMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(msgId))
                .setPing(Ping.getDefaultInstance())
                .build();
    }

    private static long ownUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /** The helper's side of an admitted peer: what it received and how it ended. */
    private static final class Served implements PeerConnection<HelperAppMessage, AppMessage> {
        final BlockingQueue<AppMessage> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override
        public void onMessage(Incoming<HelperAppMessage, AppMessage> incoming) {
            messages.add(incoming.message());
        }

        @Override
        public void attached(Speaker<HelperAppMessage, AppMessage> speaker) {}

        @Override
        public void closed(Throwable cause) {
            closed.complete(cause);
        }
    }

    /** A client speaking raw bytes, blocking. */
    private static final class Peer implements AutoCloseable {
        private final AFUNIXSocket socket;
        private final InputStream in;

        Peer(AFUNIXSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        void write(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
        }

        String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("ended after " + line);
                }
                line.append((char) b);
            }
            return line.toString();
        }

        HelperAppMessage readFrame() throws IOException {
            return HelperAppMessage.parseFrom(new FrameCodec().readFrame(in));
        }

        /** True when the stream ends with no byte before its end. */
        boolean endsWithoutMore() throws IOException {
            return in.read() < 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
