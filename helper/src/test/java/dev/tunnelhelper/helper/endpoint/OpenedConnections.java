package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The connections an endpoint under test made, each the real connection wrapped so that a test
 * can take it as it is made and wait until it has handled its own end.
 */
final class OpenedConnections<S, R, C extends PeerConnection<S, R>> {
    /**
     * A connection the endpoint made, the peer description it was made for, and a future that
     * completes once the connection has handled its own end.
     */
    record Opened<S, R, C extends PeerConnection<S, R>>(C connection, String who, CompletableFuture<Throwable> closed)
            implements PeerConnection<S, R> {
        @Override
        public void attached(Speaker<S, R> speaker) {
            connection.attached(speaker);
        }

        @Override
        public void onMessage(Incoming<S, R> in) throws Exception {
            connection.onMessage(in);
        }

        @Override
        public void closed(Throwable cause) {
            connection.closed(cause);
            closed.complete(cause);
        }

        @Override
        public boolean keepsOpen() {
            return connection.keepsOpen();
        }
    }

    private final BlockingQueue<Opened<S, R, C>> opened = new LinkedBlockingQueue<>();
    private final Duration wait;

    OpenedConnections(Duration wait) {
        this.wait = wait;
    }

    /** For the endpoint: each connection {@code real} opens, wrapped and recorded. */
    PeerConnectionFactory<S, R> wrapping(Function<String, C> real) {
        return who -> {
            Opened<S, R, C> o = new Opened<>(real.apply(who), who, new CompletableFuture<>());
            opened.add(o);
            return o;
        };
    }

    /** The next connection the endpoint made, waiting for it; fails the test when none comes. */
    Opened<S, R, C> next() throws InterruptedException {
        Opened<S, R, C> o = opened.poll(wait.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(o, "the endpoint made a connection for the peer");
        return o;
    }
}
