package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * How a refused peer is answered and let go (docs/protocol.md §2.1, 4.; docs/security.md, "Known
 * limits"): our line and the UNAUTHORIZED error in one write, nothing after it; what it sends is
 * discarded up to 64 KiB; it lingers at most 1 s; at most 64 linger at once, beyond which a
 * refused connection is closed as soon as its answer is written. Over real socket pairs: the
 * helper's end first, the peer's second.
 */
/* A blocking read that never returns fails the test instead of hanging the run. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RefusalLingerTest {
    private static final byte[] OUR_LINE = "tunnelhelper helper 1.0\n".getBytes(StandardCharsets.US_ASCII);
    private static final PeerIdentity STRANGER = new PeerIdentity(65534, 65534, 4242, List.of());

    private final PeerAdmission<HelperAppMessage, AppMessage> admission = new PeerAdmission<>(AppEndpointSpecs.app(
            peer -> Optional.of("not you"),
            AppEndpointSpecs.NEVER_SERVED,
            ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 1000)));
    private final RefusalLinger refusals = new RefusalLinger(admission, OUR_LINE, new FrameCodec());
    private final List<AFUNIXSocketPair<AFUNIXSocketChannel>> pairs = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (AFUNIXSocketPair<AFUNIXSocketChannel> pair : pairs) {
            pair.close();
        }
    }

    private AFUNIXSocketPair<AFUNIXSocketChannel> pair() throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        pairs.add(pair);
        pair.getFirst().configureBlocking(false);
        return pair;
    }

    @Test
    void aRefusedPeerReadsOurLineThenWhyThenTheEndAndLingersOneSecond() throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = pair();
        PendingPeer p =
                refusals.refuse(pair.getFirst(), STRANGER, "uid 65534 (gid 65534) may not use the app endpoint", 1000);
        assertNotNull(p);
        assertTrue(p.refused);
        assertEquals(STRANGER, p.peer);
        assertEquals(1000 + Duration.ofSeconds(1).toNanos(), p.deadline);
        assertFalse(p.out.hasRemaining(), "written whole");
        assertEquals(SelectionKey.OP_READ, p.interestOps(), "nothing left to write");
        InputStream in = pair.getSecond().socket().getInputStream();
        assertEquals(
                "tunnelhelper helper 1.0\n", new String(in.readNBytes(OUR_LINE.length), StandardCharsets.US_ASCII));
        HelperAppMessage told = HelperAppMessage.parseFrom(new FrameCodec().readFrame(in));
        assertEquals(ErrorCode.UNAUTHORIZED.name(), told.getError().getCode());
        assertEquals(
                "uid 65534 (gid 65534) may not use the app endpoint",
                told.getError().getMessage());
        assertEquals(-1, in.read(), "nothing after the error: our side is shut for writing");
        assertEquals(0, admission.openConnections(), "it limits nobody");
        assertFalse(admission.drained().isDone(), "but the endpoint is not drained while it lingers");
        p.slot.release();
        assertTrue(admission.drained().isDone());
    }

    @Test
    void anAnswerTheSocketCannotTakeAtOnceIsLeftToFlushAndTheOutputStaysOpenForIt() throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = pair();
        int filled = 0;
        for (int n = pair.getFirst().write(ByteBuffer.allocate(4096));
                n > 0;
                n = pair.getFirst().write(ByteBuffer.allocate(4096))) {
            filled += n;
        }
        PendingPeer p = refusals.refuse(pair.getFirst(), STRANGER, "not you", 0);
        assertNotNull(p);
        assertTrue(p.out.hasRemaining());
        assertEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, p.interestOps());
        InputStream in = pair.getSecond().socket().getInputStream();
        assertEquals(filled, in.readNBytes(filled).length, "what filled the socket's buffer");
        assertTrue(p.flush(), "the peer has read everything before it: the rest fits at once");
        refusals.answered(p);
        assertEquals("not you", answerRead(in));
        assertEquals(-1, in.read(), "answered: shut for writing");
    }

    @Test
    void atMostSixtyFourLingerAtOnceBeyondThatTheConnectionIsClosedOnceAnswered() throws Exception {
        for (int i = 0; i < RefusalLinger.MAX_LINGERING; i++) {
            assertNotNull(refusals.refuse(pair().getFirst(), STRANGER, "not you", 0), "lingering peer " + (i + 1));
        }
        AFUNIXSocketPair<AFUNIXSocketChannel> flood = pair();
        assertNull(refusals.refuse(flood.getFirst(), STRANGER, "not you", 0));
        assertFalse(flood.getFirst().isOpen(), "closed at once");
        InputStream in = flood.getSecond().socket().getInputStream();
        assertEquals("not you", answerRead(in), "told why all the same, the buffer took it");
        assertEquals(-1, in.read());

        refusals.released();
        assertNotNull(refusals.refuse(pair().getFirst(), STRANGER, "not you", 0), "a place came free");
        assertNull(refusals.refuse(pair().getFirst(), STRANGER, "not you", 0), "and only one");
    }

    @Test
    void whatTheRefusedPeerSendsIsDiscardedUpTo64KiBThenItIsDoneWith() throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = pair();
        PendingPeer p = refusals.refuse(pair.getFirst(), STRANGER, "not you", 0);
        AFUNIXSocketChannel peer = pair.getSecond();
        assertFalse(refusals.discardInput(p), "nothing arrived yet");
        for (int i = 0; i < 16; i++) {
            write(peer, 4096);
            assertFalse(refusals.discardInput(p), "after " + (i + 1) * 4096 + " bytes");
        }
        assertEquals(64 * 1024, p.discarded);
        write(peer, 1);
        assertTrue(refusals.discardInput(p), "one byte beyond 64 KiB");
    }

    /** Our line, then the error's reason: what a refused peer reads. */
    private static String answerRead(InputStream in) throws IOException {
        assertEquals(
                "tunnelhelper helper 1.0\n", new String(in.readNBytes(OUR_LINE.length), StandardCharsets.US_ASCII));
        return HelperAppMessage.parseFrom(new FrameCodec().readFrame(in))
                .getError()
                .getMessage();
    }

    private static void write(AFUNIXSocketChannel channel, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
