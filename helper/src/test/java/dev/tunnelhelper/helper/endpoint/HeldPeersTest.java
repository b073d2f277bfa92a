package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * The gate's connections before admission: dropping one closes it and releases its slot (and a
 * refused one's place among the lingering) exactly once, however often it is dropped; an
 * admitted one leaves open, its slot still claimed, for its speaker; the nearest deadline is
 * what the gate waits for. Over real socket pairs and a real selector.
 */
/* A blocking read that never returns fails the test instead of hanging the run. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeldPeersTest {
    private static final byte[] OUR_LINE = "tunnelhelper helper 1.0\n".getBytes(StandardCharsets.US_ASCII);
    private static final PeerIdentity PEER = new PeerIdentity(1000, 1000, 4242, List.of());

    private final PeerAdmission<HelperAppMessage, AppMessage> admission = new PeerAdmission<>(AppEndpointSpecs.app(
            peer -> Optional.empty(),
            AppEndpointSpecs.NEVER_SERVED,
            ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 0)));
    private final RefusalLinger refusals = new RefusalLinger(admission, OUR_LINE, new FrameCodec());
    private final HeldPeers held = new HeldPeers(refusals);
    private final List<AFUNIXSocketPair<AFUNIXSocketChannel>> pairs = new ArrayList<>();
    private final Selector selector;

    HeldPeersTest() throws IOException {
        selector = AFUNIXSelectorProvider.provider().openSelector();
    }

    @AfterEach
    void close() throws IOException {
        for (AFUNIXSocketPair<AFUNIXSocketChannel> pair : pairs) {
            pair.close();
        }
        selector.close();
    }

    private AFUNIXSocketChannel channel() throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        pairs.add(pair);
        pair.getFirst().configureBlocking(false);
        return pair.getFirst();
    }

    /** An admitted peer waiting for its line, registered like the gate registers it. */
    private PendingPeer waiting(long deadline) throws IOException {
        PeerAdmission.Decision decision = admission.decide(PEER);
        assertNotNull(decision.slot(), decision.refusal());
        PendingPeer p = new PendingPeer(channel(), PEER, decision.slot(), false, ByteBuffer.allocate(0), deadline);
        held.add(p);
        p.key = p.channel.register(selector, p.interestOps(), p);
        return p;
    }

    private PendingPeer lingering() throws IOException {
        PendingPeer p = refusals.refuse(channel(), PEER, "not you", 0);
        assertNotNull(p);
        held.add(p);
        return p;
    }

    @Test
    void droppingClosesTheConnectionAndReleasesItsSlotOnce() throws Exception {
        PendingPeer first = waiting(1);
        PendingPeer second = waiting(2);
        assertEquals(2, admission.openConnections());
        held.drop(first);
        held.drop(first);
        assertEquals(1, admission.openConnections(), "released once, however often dropped");
        assertFalse(first.channel.isOpen());
        assertFalse(first.key.isValid());
        assertFalse(held.contains(first));
        assertTrue(held.contains(second));
        held.drop(second);
        assertTrue(admission.drained().isDone());
    }

    @Test
    void anAdmittedPeerLeavesOpenWithItsSlotAndOutOfTheSelector() throws Exception {
        PendingPeer p = waiting(1);
        held.admitted(p);
        assertFalse(held.contains(p));
        assertFalse(held.holds(p.channel));
        assertTrue(held.all().isEmpty());
        assertTrue(p.channel.isOpen(), "its speaker's now");
        assertFalse(p.key.isValid(), "the gate's selector no longer watches it");
        assertEquals(1, admission.openConnections(), "the slot goes with the connection");
    }

    @Test
    void theGateKnowsWhichChannelsItHolds() throws Exception {
        PendingPeer p = waiting(1);
        assertTrue(held.holds(p.channel));
        assertFalse(held.holds(channel()));
        assertEquals(Set.of(p), Set.copyOf(held.all()));
    }

    @Test
    void theNextDeadlineIsTheNearestOrNoneWhenNothingIsHeld() throws Exception {
        assertEquals(Long.MAX_VALUE, held.nextDeadline());
        PendingPeer late = waiting(300);
        waiting(-200);
        waiting(100);
        assertEquals(-200, held.nextDeadline());
        held.drop(late);
        assertEquals(-200, held.nextDeadline());
    }

    @Test
    void droppingALingeringPeerFreesItsPlaceAmongTheLingeringOnce() throws Exception {
        List<PendingPeer> all = new ArrayList<>();
        for (int i = 0; i < RefusalLinger.MAX_LINGERING; i++) {
            all.add(lingering());
        }
        assertFalse(admission.drained().isDone());
        PendingPeer first = all.get(0);
        held.drop(first);
        held.drop(first);
        assertFalse(first.channel.isOpen());
        assertNotNull(lingering(), "one place came free");
        assertNull(refusals.refuse(channel(), PEER, "not you", 0), "only one, however often it was dropped");
        for (PendingPeer p : held.all()) {
            held.drop(p);
        }
        assertTrue(admission.drained().isDone(), "every lingering peer's slot released");
    }

    @Test
    void droppingAPeerWaitingForItsLineFreesNoLingeringPlace() throws Exception {
        for (int i = 0; i < RefusalLinger.MAX_LINGERING; i++) {
            lingering();
        }
        PendingPeer p = waiting(1);
        held.drop(p);
        assertNull(
                refusals.refuse(channel(), PEER, "not you", 0),
                "a peer waiting for its line never had a lingering place");
        assertFalse(p.channel.isOpen());
    }

    @Test
    void aPeerWithoutASelectionKeyIsDroppedAllTheSame() throws Exception {
        PendingPeer p = lingering();
        assertNull(p.key);
        held.drop(p);
        assertFalse(p.channel.isOpen());
        assertTrue(admission.drained().isDone());
        assertEquals(SelectionKey.OP_READ, p.interestOps());
    }
}
