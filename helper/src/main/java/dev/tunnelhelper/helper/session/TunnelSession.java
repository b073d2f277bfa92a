package dev.tunnelhelper.helper.session;

import com.google.protobuf.ByteString;
import dev.tunnelhelper.helper.binary.Acquirer;
import dev.tunnelhelper.helper.tunnel.TunnelLauncher;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.GetPeerUpdate;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The helper's one tunnel session (docs/architecture.md): a start runs from acquisition to
 * RUNNING, a stop back to IDLE, one session at a time. Every call but {@link #peerState}
 * becomes an event for the session's own thread ({@code session-1}), which owns all session state
 * and never blocks; answers come back as futures. Listeners hear every transition, in order, from
 * that thread.
 */
public final class TunnelSession {
    private static final Logger log = LoggerFactory.getLogger(TunnelSession.class);
    private static final ManagerMessage GET_PEER_UPDATE = ManagerMessage.newBuilder()
            .setGetPeerUpdate(GetPeerUpdate.getDefaultInstance())
            .build();

    private final ScheduledThreadPoolExecutor loop =
            new ScheduledThreadPoolExecutor(1, NamedThreads.factory("session"));
    private final ExecutorService workers = Executors.newCachedThreadPool(NamedThreads.factory("session-work"));
    private final SessionCore core;
    private final Duration rpcTimeout;
    private final Acquirer acquirer;

    public TunnelSession(SessionSettings settings, Acquirer acquirer, TunnelLauncher launcher) {
        rpcTimeout = settings.rpcTimeout();
        this.acquirer = acquirer;
        loop.setRemoveOnCancelPolicy(true);
        core = new SessionCore(settings, new SessionWork(settings, acquirer, launcher, loop, workers, this::post));
    }

    /**
     * The network extension connected: a start is likely, so its acquisition's tools are built
     * ahead. Completes once they are (once per helper).
     */
    public CompletableFuture<Void> prepareForStart() {
        return acquirer.prepare();
    }

    /** {@code listener} first hears the current status, then everything that follows. */
    public void addListener(SessionEventListener listener) {
        post(new SessionEvent.Listen(Objects.requireNonNull(listener, "listener")));
    }

    /**
     * Starts a session with {@code tun} (taken over: closed whatever happens). Completes when the
     * tunnel runs; fails with {@link SessionRefusedException} when another session is active or the
     * helper is shutting down (nothing was started), else with {@link SessionFailure}, or with the
     * RuntimeException a start step threw (a bug; the session still fails and cleans up).
     */
    public CompletableFuture<Void> start(StartParameters params, OwnedFd tun, ExtensionLink owner) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        post(new SessionEvent.Start(params, tun, owner, started));
        return answered(started);
    }

    /** Stops the session, if any; completes once the helper is IDLE (at once when it is). */
    public CompletableFuture<Void> stop(ExtensionLink requester) {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        post(new SessionEvent.Stop(Objects.requireNonNull(requester, "requester"), idle));
        return answered(idle);
    }

    /** From now on every start is refused with SHUTTING_DOWN; stops the session; completes when IDLE. */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        post(new SessionEvent.Shutdown(idle));
        return answered(idle);
    }

    /** The extension that owns the session went away: the extension owns the tunnel's lifetime, so it stops. */
    public void extensionDisconnected(ExtensionLink link) {
        post(new SessionEvent.OwnerLeft(link));
    }

    public CompletableFuture<SessionStatus> status() {
        CompletableFuture<SessionStatus> answer = new CompletableFuture<>();
        post(new SessionEvent.StatusQuery(answer));
        return answered(answer);
    }

    /**
     * The session's status and the tunnel's full peer state (a {@code GetPeerUpdate}) while
     * RUNNING, else empty: an encoded {@code vpn.PeerUpdate}, exactly as the tunnel sent it, for
     * the reply to splice in. Blocks the calling thread, which sends the request itself; throws
     * {@link TunnelUnavailableException} when the tunnel does not answer in time.
     *
     * <p>Unlike the other queries, this one does not go through the session thread: it reads what
     * the session last published ({@link PeerQueryTarget}) and waits for the tunnel's reply on the
     * caller's thread. Through the session thread and its workers, a GetPeerState woke three
     * threads more than it needs to (docs/performance.md, "GetPeerState's thread hand-offs"). A
     * query racing a stop may reach a tunnel that is ending: it fails as an unanswered one does.
     */
    public PeerSnapshot peerState() throws TunnelUnavailableException {
        PeerQueryTarget target = core.peerQueries();
        if (target.speaker() == null) {
            return new PeerSnapshot(target.status(), ByteString.EMPTY); // an empty vpn.PeerUpdate
        }
        try {
            TunnelFrame reply = target.speaker().call(GET_PEER_UPDATE, rpcTimeout);
            return new PeerSnapshot(target.status(), reply.getPeerUpdate());
        } catch (IOException e) {
            throw new TunnelUnavailableException("the tunnel did not answer: " + e.getMessage(), e);
        }
    }

    /**
     * Forwards a system wake to the tunnel ({@code WakeRequest}, protocol 1.3 and later); fails
     * with {@link TunnelUnavailableException} saying why it was not sent or not answered.
     */
    public CompletableFuture<Void> wake() {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        post(new SessionEvent.WakeQuery(answer));
        return answered(answer);
    }

    /**
     * The session completes its futures on its own thread; callers get a copy completed on a
     * worker, so whatever they chain onto it (a socket write, a blocking wait) never runs there.
     */
    private <T> CompletableFuture<T> answered(CompletableFuture<T> onSessionThread) {
        return onSessionThread.whenCompleteAsync((value, failure) -> {}, workers);
    }

    private void post(SessionEvent event) {
        loop.execute(() -> {
            try {
                core.handle(event);
                core.published();
            } catch (RuntimeException e) {
                // A bug must not take the session thread down with it: every later event still needs handling.
                log.atError()
                        .setMessage("session event failed")
                        .addKeyValue("event", event.getClass().getSimpleName())
                        .setCause(e)
                        .log();
            }
        });
    }
}
