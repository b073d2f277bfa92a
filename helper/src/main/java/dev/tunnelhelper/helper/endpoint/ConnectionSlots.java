package dev.tunnelhelper.helper.endpoint;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The open connections of one endpoint, counted per uid, and the one place that decides whether
 * another may open (see {@link ConnectionLimits}). A connection holds its {@link Slot} from accept
 * to close, hello line included, so a peer that connects and then says nothing still counts.
 * A refused peer's connection, kept open a moment so it can read why, holds an uncounted slot:
 * it limits nobody, but {@link #drained} waits for it too.
 */
final class ConnectionSlots {
    private final String endpoint;
    private final ConnectionLimits limits;
    private final Map<Long, Integer> perUid = new HashMap<>();
    private int total;
    private int unprivileged;
    private int uncounted;
    private CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    ConnectionSlots(String endpoint, ConnectionLimits limits) {
        this.endpoint = endpoint;
        this.limits = limits;
    }

    /** A slot, or why {@code uid} may not open another connection now. */
    record Claim(Slot slot, String refusal) {
        boolean granted() {
            return slot != null;
        }
    }

    synchronized Claim claim(long uid) {
        if (total >= limits.perEndpoint()) {
            return refused("too many connections to the " + endpoint + " endpoint (" + limits.perEndpoint() + ")");
        }
        boolean privileged = limits.privileged(uid);
        if (!privileged && unprivileged >= limits.perEndpoint() - limits.reserved()) {
            return refused("too many connections to the " + endpoint + " endpoint ("
                    + (limits.perEndpoint() - limits.reserved()) + " for users other than root; " + limits.reserved()
                    + " are kept for root)");
        }
        int mine = perUid.getOrDefault(uid, 0);
        if (!privileged && mine >= limits.perUid()) {
            return refused("uid " + uid + " already has " + mine + " connections to the " + endpoint
                    + " endpoint, the most one user may have");
        }
        perUid.put(uid, mine + 1);
        total++;
        if (!privileged) {
            unprivileged++;
        }
        opened();
        return new Claim(new Slot(uid, privileged, true), null);
    }

    /** A slot for a refused peer's last moments: counted against no limit. */
    synchronized Slot uncounted(long uid) {
        uncounted++;
        opened();
        return new Slot(uid, true, false);
    }

    private void opened() {
        if (total + uncounted == 1) {
            drained = new CompletableFuture<>();
        }
    }

    private static Claim refused(String why) {
        return new Claim(null, why);
    }

    synchronized int open() {
        return total;
    }

    /** Completes once no connection is open, refused ones included (at once if none is). */
    synchronized CompletableFuture<Void> drained() {
        return drained;
    }

    private void release(Slot slot) {
        CompletableFuture<Void> done = null;
        synchronized (this) {
            if (slot.counted) {
                int left = perUid.get(slot.uid) - 1;
                if (left == 0) {
                    perUid.remove(slot.uid);
                } else {
                    perUid.put(slot.uid, left);
                }
                total--;
                if (!slot.privileged) {
                    unprivileged--;
                }
            } else {
                uncounted--;
            }
            if (total + uncounted == 0) {
                done = drained;
            }
        }
        if (done != null) {
            done.complete(null);
        }
    }

    /** One connection's place; released exactly once, however often {@link #release} is called. */
    final class Slot {
        private final long uid;
        private final boolean privileged;
        private final boolean counted;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(long uid, boolean privileged, boolean counted) {
            this.uid = uid;
            this.privileged = privileged;
            this.counted = counted;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                ConnectionSlots.this.release(this);
            }
        }
    }
}
