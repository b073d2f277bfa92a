package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.VerifiedCopy;
import java.util.concurrent.CompletableFuture;

/**
 * The verified copy of the binary, spawned and handshaken while the acquisition re-checks it
 * against the deployment (docs/security.md, "Starting from the verified copy"). It is kept out
 * of the session until the acquisition has returned this very file: only then are its spawn and
 * handshake reported, as a spawn's would be, so only then can the session send it the
 * {@code StartRequest} (the API token) or hear its messages. Anything else (another binary, a
 * failed or abandoned acquisition) discards it: the child is terminated unused.
 *
 * <p>Two threads share it: the acquiring worker decides once ({@link #adopt} or {@link #discard}),
 * the preparing worker waits for that decision after the handshake.
 */
final class PreparedTunnel {
    private final VerifiedCopy copy;
    private final CompletableFuture<Boolean> decision = new CompletableFuture<>();
    private final CompletableFuture<Void> spawnReturned = new CompletableFuture<>();
    private final CompletableFuture<Boolean> delivering = new CompletableFuture<>();

    PreparedTunnel(VerifiedCopy copy) {
        this.copy = copy;
    }

    VerifiedCopy copy() {
        return copy;
    }

    /** True when {@code acquired} is the copy this tunnel runs, found current. */
    boolean runs(AcquiredBinary acquired) {
        return copy.confirmedBy(acquired);
    }

    /** The session has been told its binary is this copy: the preparing worker reports the child. */
    void adopt() {
        decision.complete(true);
    }

    /** Another outcome: the preparing worker terminates the child, which never hears from the session. */
    void discard() {
        decision.complete(false);
    }

    /** Blocks the preparing worker until the acquiring one has decided; true when adopted. */
    boolean adopted() {
        return decision.join();
    }

    /** The spawn returned (or failed): the TUN descriptor's number it was given is no longer read. */
    void spawnReturned() {
        spawnReturned.complete(null);
    }

    /** Blocks until {@link #spawnReturned}: the session may close its TUN copy only after it. */
    void awaitSpawnReturned() {
        spawnReturned.join();
    }

    /** The session has heard of the handshake ({@code true}), or never will ({@code false}). */
    void delivering(boolean toSession) {
        delivering.complete(toSession);
    }

    /** Holds a message the tunnel sent before the decision; true when it may go to the session, after the handshake's outcome. */
    boolean mayDeliver() {
        return delivering.join();
    }
}
