package dev.tunnelhelper.helper.xpc;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.ListenerFailedException;
import dev.tunnelhelper.helper.endpoint.PeerAdmission;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.shim.XpcConnection;
import dev.tunnelhelper.shim.XpcError;
import dev.tunnelhelper.shim.XpcHandler;
import dev.tunnelhelper.shim.XpcListener;
import dev.tunnelhelper.shim.XpcMessage;
import dev.tunnelhelper.shim.XpcReply;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint on an XPC Mach service, in the role {@link dev.tunnelhelper.helper.endpoint.UnixEndpointServer}
 * plays for a Unix socket. For each new peer, still inside XPC's peer callback and so before
 * the connection is resumed: the code-signing requirement is set (a peer that fails it never
 * delivers a message), the identity is taken from the audit token, and an {@link XpcChannel} is
 * registered to receive its messages. The access policy and the hand-off to the endpoint's
 * connection handler then run on the endpoint's admitting thread ({@link PeerAdmission}, shared
 * with the Unix carrier), so the callback returns at once.
 *
 * <p>macOS only. Never selected elsewhere; constructing the listener off macOS fails in the shim.
 */
public final class XpcEndpointServer<S extends MessageLite, R> implements EndpointListener {
    private static final Logger log = LoggerFactory.getLogger(XpcEndpointServer.class);
    /**
     * Peers accepted but not yet through the access policy and the connection limits. One thread
     * admits them in turn, as the Unix carrier's gate does; beyond this many waiting, a new peer is
     * cancelled at once (it sees its connection end), so a flood of connections costs neither a
     * thread each nor an unbounded queue.
     */
    static final int MAX_WAITING_PEERS = 64;

    private final EndpointSpec<S, R> spec;
    private final String serviceName;
    private final String requirement;
    private final int capacity;
    private final PeerAdmission<S, R> admission;
    private final Map<XpcConnection, XpcChannel<S, R>> channels = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    /**
     * The admitting thread (started for a peer, gone after a few idle seconds) and its queue: one
     * peer being admitted and the rest waiting make {@link #MAX_WAITING_PEERS}; a further one is
     * rejected.
     */
    private final ThreadPoolExecutor admissions;

    private XpcListener listener;
    /** Set before our own cancel, whose final CONNECTION_INVALID on the listener is no failure. */
    private volatile boolean closed;

    /**
     * @param serviceName the team-prefixed Mach service (launchd plist {@code MachServices}), or a
     *                    label when used with {@link #startAnonymous}
     * @param requirement the code-signing requirement every peer must satisfy
     */
    public XpcEndpointServer(EndpointSpec<S, R> spec, String serviceName, String requirement) {
        this(spec, serviceName, requirement, XpcChannel.DEFAULT_CAPACITY);
    }

    XpcEndpointServer(EndpointSpec<S, R> spec, String serviceName, String requirement, int capacity) {
        this.spec = spec;
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.requirement = Objects.requireNonNull(requirement, "requirement");
        this.capacity = capacity;
        this.admission = new PeerAdmission<>(spec);
        this.admissions = new ThreadPoolExecutor(
                0,
                1,
                5,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_WAITING_PEERS - 1),
                NamedThreads.factory("endpoint-" + spec.name() + "-admit"));
    }

    /**
     * Checks in for the Mach service launchd registered for this daemon. XPC asks launchd only
     * once the listener is resumed and reports a refusal as an error event later, never a
     * success, so this cannot wait for an answer: a refusal completes {@link #failure()}, and the
     * log line claims no more than XPC knows ("resumed", not "listening").
     */
    public void start() {
        listener = XpcListener.listen(serviceName, new Handler());
        log.atInfo()
                .setMessage("xpc listener resumed")
                .addKeyValue("endpoint", spec.name())
                .addKeyValue("xpcService", serviceName)
                .addKeyValue("requirement", requirement)
                .log();
    }

    /** Listens without a name (no launchd needed): clients reach it through {@link #listener()}. For tests. */
    public void startAnonymous() {
        listener = XpcListener.anonymous(new Handler());
    }

    /** The listener, e.g. for {@link XpcChannel#connect(XpcListener, com.google.protobuf.Parser)} to an anonymous one. */
    public XpcListener listener() {
        if (listener == null) {
            throw new IllegalStateException("not started");
        }
        return listener;
    }

    @Override
    public String address() {
        return "xpc:" + serviceName;
    }

    @Override
    public int openConnections() {
        return admission.openConnections();
    }

    /** Peer connections this endpoint holds, admitted or not (tests: what a refused peer leaves behind). */
    int connectionsHeld() {
        return channels.size();
    }

    @Override
    public CompletableFuture<Void> drained() {
        return admission.drained();
    }

    @Override
    public CompletionStage<Void> failure() {
        return failure.minimalCompletionStage();
    }

    /** Stops accepting; peers already handed out keep their connections until either side closes. */
    @Override
    public void close() {
        closed = true;
        if (listener != null) {
            listener.close();
        }
    }

    /** Carrier code only: runs on XPC's threads and must return quickly. */
    private final class Handler implements XpcHandler {
        @Override
        public boolean accept(XpcConnection peer) {
            try {
                peer.setPeerRequirement(requirement);
            } catch (RuntimeException e) {
                // Without the requirement the peer would be unchecked: refuse it instead.
                log.error(
                        "{} endpoint: cannot set the peer code-signing requirement; refusing the peer: {}",
                        spec.name(),
                        e.toString());
                return false;
            }
            XpcChannel<S, R> channel =
                    XpcChannel.accepted(peer, spec.parser(), serviceName, capacity, () -> channels.remove(peer));
            channels.put(peer, channel);
            try {
                admissions.execute(() -> admit(channel));
                return true;
            } catch (RejectedExecutionException flood) {
                // Refused here, the shim cancels and releases the peer itself.
                channels.remove(peer);
                admission.logRefusal(
                        channel.peer(),
                        "too many peers waiting for admission (" + MAX_WAITING_PEERS + "); dropped unanswered");
                return false;
            }
        }

        /**
         * The listener itself is invalid, typically because launchd published the name for no
         * job or for another process: nothing will ever connect, so the helper must not go on
         * as if it listened.
         */
        @Override
        public void onListenerError(XpcError error) {
            if (closed) {
                log.debug("{} endpoint: XPC listener cancelled: {}", spec.name(), error.description());
                return;
            }
            log.atError()
                    .setMessage("xpc listener failed")
                    .addKeyValue("endpoint", spec.name())
                    .addKeyValue("xpcService", serviceName)
                    .addKeyValue("error", error.kind())
                    .addKeyValue("description", error.description())
                    .log();
            failure.completeExceptionally(new ListenerFailedException("the " + spec.name()
                    + " endpoint cannot listen on the Mach service " + serviceName + " (" + error.kind() + ": "
                    + error.description() + "): launchd serves a name only to the process it started for the"
                    + " loaded job whose plist declares it in MachServices; start the helper through launchd"
                    + " (tunnel-helper install) with a plist made from this config (tunnel-helper plist)"));
        }

        @Override
        public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
            XpcChannel<S, R> channel = channels.get(connection);
            if (channel == null) {
                // Closed on our side while this message was in flight.
                message.fd().ifPresent(fd -> fd.close());
                if (reply != null) {
                    reply.discard();
                }
                return;
            }
            channel.deliver(message, reply);
        }

        /**
         * A peer that fails the requirement never delivers a message: without this line the
         * refusal would be visible only at debug level, while a Unix-socket refusal is a warning.
         */
        @Override
        public void onError(XpcConnection connection, XpcError error) {
            if (error.kind() == XpcError.Kind.PEER_CODE_SIGNING_REQUIREMENT) {
                admission.logRefusal(
                        XpcChannel.identityOf(connection), "code-signing requirement not satisfied: " + requirement);
            }
            onError(connection, error.description());
        }

        @Override
        public void onError(XpcConnection connection, String description) {
            XpcChannel<S, R> channel = channels.get(connection);
            if (channel != null) {
                channel.ended(description);
            } else {
                log.debug("{} endpoint: XPC listener event: {}", spec.name(), description);
            }
        }
    }

    /**
     * A refused peer has been sent UNAUTHORIZED and is dropped at once: the shim cancels a
     * connection from a send barrier, after what was sent to it (even before XPC resumed it), so
     * the message is not lost and nothing of a refused peer stays open, however often it connects.
     */
    private void admit(XpcChannel<S, R> channel) {
        if (admission.admit(channel).isPresent()) {
            channel.close();
        }
    }
}
