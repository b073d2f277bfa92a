package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.OwnedFd;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;

/**
 * One start-to-idle run of the tunnel: what it was asked, what it holds, what is still in
 * flight. Its mutable fields are confined to the session thread like the rest of the session's
 * state; work running elsewhere reads only the final ones.
 */
final class SessionRun {
    final int id;
    final StartParameters params;
    final ExtensionLink owner;
    /** The StartDaemon's answer: completes at RUNNING, fails when the start ends otherwise. */
    final CompletableFuture<Void> started;
    /** Stops (and a shutdown) waiting for IDLE. */
    final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();

    /** The helper's copy of the TUN device, until the child has its own. */
    OwnedFd tun;
    /** The acquisition while it runs; cancelled (interrupted) by a stop. */
    Future<?> acquisition;

    boolean spawning;
    /** The child is the verified copy spawned during the acquisition: its handshake is under way already. */
    boolean prepared;

    AcquiredBinary binary;
    RunningTunnel tunnel;
    Speaker<ManagerMessage, TunnelFrame> speaker;
    ExitStatus exit;
    /** The start reached RUNNING: the provider is up, and an end is news to it. */
    boolean reachedRunning;
    /** The owner asked for the stop (or left): it is not sent CancelProvider. */
    boolean ownerEndedIt;
    /** A bug that ended the start: the start is answered with it (INTERNAL), not with a SessionFailure. */
    RuntimeException fault;
    /** The pipe ended, or the child exited, during a start or while running: the other half is awaited. */
    PendingExit pendingExit;

    SessionRun(int id, StartParameters params, OwnedFd tun, ExtensionLink owner, CompletableFuture<Void> started) {
        this.id = id;
        this.params = params;
        this.tun = tun;
        this.owner = owner;
        this.started = started;
    }

    boolean childAlive() {
        return tunnel != null && exit == null;
    }

    /** Nothing started on this run's behalf is still running: it may end. */
    boolean settled() {
        return acquisition == null && !spawning && !childAlive();
    }

    /**
     * A failure waiting for the other half of a tunnel's end (its exit status, or the speaker's
     * close) for at most a grace: {@code step} is the start step (empty while running),
     * {@code reason} what it will say if the grace runs out.
     */
    record PendingExit(String step, String reason, ScheduledFuture<?> timer) {}
}
