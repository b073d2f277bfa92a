package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Everything that can happen to the session, as messages to its thread. */
sealed interface SessionEvent {

    // ── requests from the endpoints and the daemon ──

    record Start(StartParameters params, OwnedFd tun, ExtensionLink owner, CompletableFuture<Void> started)
            implements SessionEvent {}

    /** {@code requester} null: the helper itself. */
    record Stop(ExtensionLink requester, CompletableFuture<Void> idle) implements SessionEvent {}

    record Shutdown(CompletableFuture<Void> idle) implements SessionEvent {}

    record OwnerLeft(ExtensionLink link) implements SessionEvent {}

    record StatusQuery(CompletableFuture<SessionStatus> answer) implements SessionEvent {}

    record WakeQuery(CompletableFuture<Void> answer) implements SessionEvent {}

    record Listen(SessionEventListener listener) implements SessionEvent {}

    // ── outcomes of work done elsewhere for one run ──

    /** An event about one run; one for a run that already ended is dropped (its resources released). */
    sealed interface OfRun extends SessionEvent {
        SessionRun run();
    }

    record PhaseStarted(SessionRun run, AcquisitionPhase phase) implements OfRun {}

    record Downloaded(SessionRun run, long bytesWritten, long totalBytes) implements OfRun {}

    /**
     * {@code prepared}: the binary is the verified copy already spawned and handshaking on the
     * run's behalf ({@link PreparedTunnel}); its {@link Spawned} (or {@link SpawnFailed}) and
     * handshake outcome follow, and the session neither spawns nor handshakes again.
     */
    record Acquired(SessionRun run, AcquiredBinary binary, boolean prepared) implements OfRun {}

    record AcquisitionFailed(SessionRun run, AcquisitionException error) implements OfRun {}

    record Spawned(SessionRun run, RunningTunnel tunnel) implements OfRun {}

    record SpawnFailed(SessionRun run, String reason) implements OfRun {}

    record Connected(SessionRun run, Speaker<ManagerMessage, TunnelFrame> speaker) implements OfRun {}

    record HandshakeFailed(SessionRun run, HandshakeException error) implements OfRun {}

    /**
     * A start step threw what it is never meant to (a bug in the helper): the acquisition, if
     * {@code step} is an acquiring phase, else the handshake. The run fails; its start is answered INTERNAL.
     */
    record StepBroke(SessionRun run, SessionPhase step, RuntimeException bug) implements OfRun {}

    record StartAnswered(SessionRun run, TunnelFrame reply) implements OfRun {}

    record StartUnanswered(SessionRun run, IOException error) implements OfRun {}

    /** A tunnel message; {@code handled} completes once acted on, so a flooding tunnel feels back-pressure. */
    record FromTunnel(SessionRun run, Incoming<ManagerMessage, TunnelFrame> message, CompletableFuture<Void> handled)
            implements OfRun {}

    record SettingsAnswered(
            SessionRun run, Incoming<ManagerMessage, TunnelFrame> request, NetworkSettingsResponse answer)
            implements OfRun {}

    /** The tunnel's speaker closed: {@code cause} null for end of stream, else the protocol error. */
    record ProtocolBroke(SessionRun run, Throwable cause) implements OfRun {}

    /** The tunnel answered the StopRequest, or did not within the stop timeout. */
    record StopAnswered(SessionRun run) implements OfRun {}

    record TunnelExited(SessionRun run, ExitStatus status) implements OfRun {}

    /** The grace for an exit ran out (after a StopResponse, or after the pipe ended). */
    record ExitOverdue(SessionRun run) implements OfRun {}
}
