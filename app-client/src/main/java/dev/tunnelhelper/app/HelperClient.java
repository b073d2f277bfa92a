package dev.tunnelhelper.app;

import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.GetPeerState;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.PeerState;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.Pong;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's client for the helper's app endpoint: one connection for request/reply calls.
 * Subscriptions get a connection of their own ({@link #subscribe}), because a subscribed
 * connection carries pushes until it closes.
 *
 * <p>Every call throws {@link HelperUnavailableException} when the helper is not running,
 * {@link HelperErrorException} when it answers with an error, and {@link IOException} otherwise.
 */
public final class HelperClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HelperClient.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final HelperConnection connection;

    private HelperClient(HelperConnection connection) {
        this.connection = connection;
    }

    /** Connects within {@code timeout}, which also bounds every later call. */
    public static HelperClient connect(Path socket, Duration timeout) throws IOException {
        return connect(HelperEndpoint.unixSocket(socket), timeout);
    }

    /** The same on any endpoint: a Unix socket or an XPC service. */
    public static HelperClient connect(HelperEndpoint endpoint, Duration timeout) throws IOException {
        return new HelperClient(HelperConnection.open(
                endpoint,
                timeout,
                push -> log.debug("unexpected push on a call-only connection: {}", push.getMsgCase())));
    }

    public Pong ping() throws IOException {
        return expect(
                        connection.call(AppMessage.newBuilder()
                                .setPing(Ping.getDefaultInstance())
                                .build()),
                        HelperAppMessage.MsgCase.PONG)
                .getPong();
    }

    public HelperStatus status() throws IOException {
        return expect(
                        connection.call(AppMessage.newBuilder()
                                .setGetStatus(GetStatus.getDefaultInstance())
                                .build()),
                        HelperAppMessage.MsgCase.STATUS)
                .getStatus();
    }

    /** The helper's status and the tunnel's full peer state (empty when idle). */
    public PeerState peerState() throws IOException {
        return expect(
                        connection.call(AppMessage.newBuilder()
                                .setGetPeerState(GetPeerState.getDefaultInstance())
                                .build()),
                        HelperAppMessage.MsgCase.PEER_STATE)
                .getPeerState();
    }

    /**
     * Subscribes on a dedicated connection to the same endpoint. With {@code autoReconnect}, a lost
     * connection is re-established with backoff and the listener gets a fresh full state.
     */
    public Subscription subscribe(SubscriptionListener listener, boolean autoReconnect) throws IOException {
        return Subscription.open(
                connection.endpoint(),
                connection.timeout(),
                listener,
                autoReconnect ? ReconnectPolicy.DEFAULT : ReconnectPolicy.NEVER);
    }

    static HelperAppMessage expect(HelperAppMessage reply, HelperAppMessage.MsgCase expected) throws IOException {
        if (reply.getMsgCase() != expected) {
            throw new IOException("helper answered " + reply.getMsgCase() + " where " + expected + " was expected");
        }
        return reply;
    }

    @Override
    public void close() {
        connection.close();
    }
}
