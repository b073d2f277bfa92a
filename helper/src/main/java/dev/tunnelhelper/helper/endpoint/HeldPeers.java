package dev.tunnelhelper.helper.endpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * The connections the {@link HelloGate} holds before admission, and the one way to let go of one
 * that is not handed over: {@link #drop}, which closes it and releases its slot exactly once.
 * Only the gate's thread uses it.
 */
final class HeldPeers {
    private final Set<PendingPeer> held = new HashSet<>();
    private final RefusalLinger refusals;

    HeldPeers(RefusalLinger refusals) {
        this.refusals = refusals;
    }

    void add(PendingPeer p) {
        held.add(p);
    }

    boolean contains(PendingPeer p) {
        return held.contains(p);
    }

    boolean holds(AFUNIXSocketChannel channel) {
        for (PendingPeer p : held) {
            if (p.channel == channel) {
                return true;
            }
        }
        return false;
    }

    /** The nearest deadline ({@link System#nanoTime()}), or {@link Long#MAX_VALUE} when none is held. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (PendingPeer p : held) {
            next = Math.min(next, p.deadline);
        }
        return next;
    }

    /** A copy, to go through while dropping. */
    List<PendingPeer> all() {
        return List.copyOf(held);
    }

    /** An admitted peer leaves, its connection and slot now the speaker's. */
    void admitted(PendingPeer p) {
        p.key.cancel();
        held.remove(p);
    }

    /** Forgets a connection that is not handed over: closed, its slot released, exactly once. */
    void drop(PendingPeer p) {
        if (held.remove(p) && p.refused) {
            refusals.released();
        }
        if (p.key != null) {
            p.key.cancel();
        }
        p.slot.release();
        HelloGate.closeQuietly(p.channel);
    }
}
