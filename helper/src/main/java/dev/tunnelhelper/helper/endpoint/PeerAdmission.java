package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.Error;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The carrier-independent part of accepting a peer: the access policy and connection limit, the
 * UNAUTHORIZED error frame for a refused peer, and otherwise a {@link Speaker} handed to the
 * endpoint's connection handler. Both carriers call it once their channel is ready.
 */
public final class PeerAdmission<S extends MessageLite, R> {
    private static final Logger log = LoggerFactory.getLogger(PeerAdmission.class);
    /** Connections beyond this are refused: each costs two threads. */
    static final int MAX_CONNECTIONS = 256;

    private final EndpointSpec<S, R> spec;
    private final AtomicInteger open = new AtomicInteger();

    public PeerAdmission(EndpointSpec<S, R> spec) {
        this.spec = spec;
    }

    /**
     * Admits or refuses the peer of {@code channel}. A refused peer has been sent the error frame;
     * the caller closes the channel (carriers differ in how a last message is flushed).
     *
     * @return why the peer was refused, or empty once its speaker runs
     */
    public Optional<String> admit(Channel<S, R> channel) {
        Optional<String> refusal = spec.policy().apply(channel.peer());
        if (refusal.isEmpty() && open.get() >= MAX_CONNECTIONS) {
            refusal = Optional.of("too many connections to the " + spec.name() + " endpoint (" + MAX_CONNECTIONS + ")");
        }
        if (refusal.isPresent()) {
            refuse(channel, refusal.get());
            return refusal;
        }
        open.incrementAndGet();
        String who = channel.peer().toString();
        log.atInfo().setMessage("peer connected").addKeyValue("endpoint", spec.name()).addKeyValue("peer", who)
                .addKeyValue("channel", channel.describe()).log();
        EndpointServer.Connection<S, R> connection = spec.factory().open(who);
        Speaker<S, R> speaker = Speaker.start(spec.name() + "-client", channel, spec.rpc(), Endpoints.VERSIONS.versions().get(0), connection);
        connection.attached(speaker);
        speaker.closeFuture().thenAccept(cause -> {
            open.decrementAndGet();
            log.atInfo().setMessage("peer disconnected").addKeyValue("endpoint", spec.name()).addKeyValue("peer", who)
                    .addKeyValue("reason", cause == null ? "closed" : cause.getMessage()).log();
            connection.closed(cause);
        });
        return Optional.empty();
    }

    private void refuse(Channel<S, R> channel, String reason) {
        log.atWarn().setMessage("refused peer").addKeyValue("endpoint", spec.name()).addKeyValue("uid", channel.peer().uid())
                .addKeyValue("gid", channel.peer().gid()).addKeyValue("pid", channel.peer().pid())
                .addKeyValue("reason", reason).log();
        try {
            channel.send(spec.errorFrame().apply(Error.newBuilder().setCode("UNAUTHORIZED").setMessage(reason).build()));
        } catch (IOException | RuntimeException e) {
            log.debug("could not tell the refused peer why: {}", e.toString());
        }
    }

    public int openConnections() {
        return open.get();
    }
}
