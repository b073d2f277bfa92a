package dev.tunnelhelper.app;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.protocol.helper.Subscribed;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live subscription to the helper: status changes, start progress and peer deltas, merged into
 * a {@link PeerView}. With a reconnecting policy it survives helper restarts: each new connection
 * re-subscribes and the listener gets a fresh {@link SubscriptionListener#onSnapshot}.
 *
 * <p>The snapshot is installed from the {@code subscribed} reply in its turn (the speaker runs it
 * before any push that arrived after the reply), so every push is merged on top of it and reaches
 * the listener in the order the helper sent it.
 */
public final class Subscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    private final HelperEndpoint endpoint;
    private final Duration timeout;
    private final SubscriptionListener listener;
    private final ReconnectPolicy policy;
    private final PeerView view = new PeerView();
    private final ScheduledExecutorService reconnects =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("app-subscription-reconnect"));
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile HelperConnection connection;
    private volatile boolean closed;

    private Subscription(
            HelperEndpoint endpoint, Duration timeout, SubscriptionListener listener, ReconnectPolicy policy) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.listener = listener;
        this.policy = policy;
    }

    /** Connects and subscribes; the first connection's failure is thrown (no retry before the first success). */
    public static Subscription open(
            Path socket, Duration timeout, SubscriptionListener listener, ReconnectPolicy policy) throws IOException {
        return open(HelperEndpoint.unixSocket(socket), timeout, listener, policy);
    }

    /** The same on any endpoint: a Unix socket or an XPC service. */
    public static Subscription open(
            HelperEndpoint endpoint, Duration timeout, SubscriptionListener listener, ReconnectPolicy policy)
            throws IOException {
        Subscription s = new Subscription(endpoint, timeout, listener, policy);
        s.connectAndSubscribe();
        return s;
    }

    private void connectAndSubscribe() throws IOException {
        HelperConnection c = HelperConnection.open(endpoint, timeout, this::onPush);
        try {
            HelperClient.expect(
                    c.call(
                            AppMessage.newBuilder()
                                    .setSubscribe(Subscribe.getDefaultInstance())
                                    .build(),
                            this::installSnapshot),
                    HelperAppMessage.MsgCase.SUBSCRIBED);
            if (closed) {
                // close() ran while we were reconnecting: this connection must not outlive it.
                c.close();
                return;
            }
            connection = c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        c.closeFuture().whenComplete((cause, ignored) -> onConnectionClosed(c, cause));
    }

    /** On the speaker's thread, before the first push of this connection. */
    private void installSnapshot(HelperAppMessage reply) {
        if (reply.hasSubscribed() && !closed) {
            Subscribed subscribed = reply.getSubscribed();
            listener.onSnapshot(subscribed.getStatus(), view.reset(subscribed.getPeers()));
        }
    }

    private void onPush(HelperAppMessage message) {
        switch (message.getMsgCase()) {
            case STATUS -> listener.onStatus(message.getStatus());
            case PROGRESS -> listener.onProgress(message.getProgress());
            case PEER_UPDATE -> listener.onPeerUpdate(message.getPeerUpdate(), view.apply(message.getPeerUpdate()));
            case ERROR ->
                log.debug(
                        "helper is closing the subscription: {} {}",
                        message.getError().getCode(),
                        message.getError().getMessage());
            default -> log.debug("ignoring {} push", message.getMsgCase());
        }
    }

    private void onConnectionClosed(HelperConnection c, Throwable cause) {
        if (closed) {
            return;
        }
        String reason = describeLoss(c, cause);
        boolean retry = policy.enabled();
        listener.onDisconnected(reason, retry);
        if (retry) {
            scheduleReconnect(0);
        } else {
            ended.complete(reason);
        }
    }

    private String describeLoss(HelperConnection c, Throwable cause) {
        var error = c.closingError();
        if (error != null) {
            return error.getCode() + ": " + error.getMessage();
        }
        return cause == null ? "the helper closed the connection" : cause.getMessage();
    }

    private void scheduleReconnect(int attempt) {
        if (closed) {
            return;
        }
        Duration delay = policy.delay(attempt);
        reconnects.schedule(
                () -> {
                    if (closed) {
                        return;
                    }
                    try {
                        connectAndSubscribe();
                        log.info("re-subscribed to the helper at {}", endpoint.describe());
                    } catch (IOException e) {
                        log.debug("reconnect attempt {} failed: {}", attempt + 1, e.getMessage());
                        scheduleReconnect(attempt + 1);
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The merged peer view: always a full picture. */
    public PeerView.Snapshot currentPeers() {
        return view.snapshot();
    }

    /**
     * Completes with the reason when the subscription has ended for good: the connection was lost
     * and the policy does not reconnect. Never completes for a reconnecting subscription until closed.
     */
    public CompletableFuture<String> ended() {
        return ended;
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
        HelperConnection c = connection;
        if (c != null) {
            c.close();
        }
        ended.complete("closed");
    }
}
