package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import java.io.IOException;
import java.net.SocketException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The carrier-independent part of accepting a peer: the access policy and the connection limits
 * ({@link ConnectionSlots}), the UNAUTHORIZED error frame for a refused peer, the log lines about
 * peers (those about refused and failing peers rate-limited per uid), and for an admitted peer a
 * {@link Speaker} handed to the endpoint's {@link PeerConnection} before it reads anything, closed
 * when idle ({@link IdleWatch}). A request whose handler throws is answered with INTERNAL.
 */
public final class PeerAdmission<S extends MessageLite, R> {
    private static final Logger log = LoggerFactory.getLogger(PeerAdmission.class);

    private final EndpointSpec<S, R> spec;
    private final ConnectionSlots slots;
    private final PeerLogThrottle throttle = new PeerLogThrottle();

    public PeerAdmission(EndpointSpec<S, R> spec) {
        this.spec = spec;
        this.slots = new ConnectionSlots(spec.name(), spec.limits());
    }

    /** The outcome of {@link #decide}: a slot for the connection, or why the peer is refused. */
    record Decision(ConnectionSlots.Slot slot, String refusal) {}

    /** Whether {@code peer} may open a connection now; known as soon as its credentials are. */
    Decision decide(PeerIdentity peer) {
        Optional<String> denied = spec.policy().apply(peer);
        if (denied.isPresent()) {
            return new Decision(null, denied.get());
        }
        ConnectionSlots.Claim claim = slots.claim(peer.uid());
        return new Decision(claim.slot(), claim.refusal());
    }

    /** Tracks a refused peer's connection while it lingers, so {@link #drained} waits for it. */
    ConnectionSlots.Slot lingering(PeerIdentity peer) {
        return slots.uncounted(peer.uid());
    }

    /** The one-way UNAUTHORIZED error a refused peer receives before the connection closes. */
    S refusalFrame(String reason) {
        return spec.errorFrame().apply(ErrorCode.UNAUTHORIZED.error(reason));
    }

    /** Logs a refusal, at most a few lines per uid and minute; also for refusals a carrier makes itself (XPC's code-signing check). */
    public void logRefusal(PeerIdentity peer, String reason) {
        long suppressed = throttle.admit(peer.uid());
        if (suppressed >= 0) {
            log.atWarn()
                    .setMessage("refused peer")
                    .addKeyValue("endpoint", spec.name())
                    .addKeyValue("uid", peer.uid())
                    .addKeyValue("gid", peer.gid())
                    .addKeyValue("pid", peer.pid())
                    .addKeyValue("reason", reason)
                    .addKeyValue("suppressedSinceLast", suppressed)
                    .log();
        }
    }

    /**
     * Logs a failed hello line, rate-limited like refusals. A peer that leaves without a byte is a
     * liveness probe (a second instance, a monitor), not an attack: INFO, not WARN. The reason
     * quotes the peer's line already through {@link PeerText} ({@link dev.tunnelhelper.protocol.Handshake}).
     */
    void logHelloFailure(PeerIdentity peer, String reason, boolean silentProbe) {
        long suppressed = throttle.admit(peer.uid());
        if (suppressed >= 0) {
            log.atLevel(silentProbe ? Level.INFO : Level.WARN)
                    .setMessage(silentProbe ? "peer left before its hello" : "hello failed")
                    .addKeyValue("endpoint", spec.name())
                    .addKeyValue("peer", peer)
                    .addKeyValue("reason", reason)
                    .addKeyValue("suppressedSinceLast", suppressed)
                    .log();
        }
    }

    /**
     * Admits or refuses the peer of a ready {@code channel} in one step (carriers that learn the
     * peer only with the channel). A refused peer has been sent the error frame; the caller
     * closes the channel (carriers differ in how a last message is flushed).
     *
     * @return why the peer was refused, or empty once its speaker runs
     */
    public Optional<String> admit(Channel<S, R> channel) {
        Decision decision = decide(channel.peer());
        if (decision.refusal() != null) {
            logRefusal(channel.peer(), decision.refusal());
            try {
                channel.send(refusalFrame(decision.refusal()));
            } catch (IOException | RuntimeException e) {
                log.debug("could not tell the refused peer why: {}", e.toString());
            }
            return Optional.of(decision.refusal());
        }
        start(channel, decision.slot());
        return Optional.empty();
    }

    /** Starts the speaker for an admitted peer; {@code slot} is released when the connection closes. */
    void start(Channel<S, R> channel, ConnectionSlots.Slot slot) {
        String who = channel.peer().toString();
        log.atInfo()
                .setMessage("peer connected")
                .addKeyValue("endpoint", spec.name())
                .addKeyValue("peer", who)
                .addKeyValue("channel", channel.describe())
                .log();
        PeerConnection<S, R> connection = spec.factory().open(who);
        IdleWatch idle = new IdleWatch(spec.limits().idleTimeout(), connection::keepsOpen);
        Speaker<S, R> speaker = Speaker.open(
                spec.name() + "-client",
                channel,
                spec.rpc(),
                Endpoints.VERSIONS.versions().get(0),
                idle.around(answeringFailures(connection)));
        speaker.closeFuture().thenAccept(cause -> {
            idle.stop();
            slot.release();
            log.atInfo()
                    .setMessage("peer disconnected")
                    .addKeyValue("endpoint", spec.name())
                    .addKeyValue("peer", who)
                    .addKeyValue("reason", cause == null ? "closed" : PeerText.of(cause.getMessage()))
                    .log();
            connection.closed(cause);
        });
        // Before the first message is read, so no handler can see a message before its speaker.
        connection.attached(speaker);
        try {
            speaker.start();
        } catch (RuntimeException | Error e) {
            speaker.close();
            throw e;
        }
        idle.start(() -> closeIdle(speaker, who));
    }

    /**
     * A request the handler threw on is answered with INTERNAL (unless it was answered already) instead of timing out.
     * A reply that cannot be written because the peer has gone (or sent something that ended the
     * connection) is no fault of the helper's: the connection's end is logged once, by its reader,
     * and a peer must not be able to fill the log with a stack trace per request it left behind.
     */
    private Speaker.Handler<S, R> answeringFailures(Speaker.Handler<S, R> handler) {
        return incoming -> {
            try {
                handler.onMessage(incoming);
            } catch (SocketException peerGone) {
                log.atDebug()
                        .setMessage("reply not sent: the connection is gone")
                        .addKeyValue("endpoint", spec.name())
                        .addKeyValue("request", incoming.msgId())
                        .addKeyValue("error", peerGone.getMessage())
                        .log();
            } catch (Throwable failure) {
                if (incoming.isRequest() && !incoming.answered()) {
                    try {
                        incoming.reply(spec.errorFrame().apply(internalError(incoming.msgId())));
                    } catch (IOException | RuntimeException e) {
                        failure.addSuppressed(e);
                    }
                }
                throw failure;
            }
        };
    }

    /** What a peer hears of a fault of the helper's own: which request, never the exception (the log has it). */
    static dev.tunnelhelper.protocol.helper.Error internalError(long msgId) {
        return ErrorCode.INTERNAL.error("the helper failed to handle request " + msgId + "; its log says why");
    }

    private void closeIdle(Speaker<S, R> speaker, String who) {
        String why = "closed after " + spec.limits().idleTimeout().toSeconds()
                + " s without a request (subscribe to stay connected)";
        log.atInfo()
                .setMessage("closing idle connection")
                .addKeyValue("endpoint", spec.name())
                .addKeyValue("peer", who)
                .log();
        try {
            speaker.send(spec.errorFrame().apply(ErrorCode.IDLE_TIMEOUT.error(why)));
        } catch (IOException e) {
            log.debug("could not tell the idle peer why: {}", e.toString());
        }
        speaker.close();
    }

    public int openConnections() {
        return slots.open();
    }

    /** Completes once no connection to this endpoint is open (at once if none is). */
    public CompletableFuture<Void> drained() {
        return slots.drained();
    }
}
