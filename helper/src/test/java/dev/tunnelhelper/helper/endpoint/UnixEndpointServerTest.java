package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One endpoint's life on its socket: it counts its connections, and its close ends its thread and removes its file. */
class UnixEndpointServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger ENDPOINTS = new AtomicInteger();

    @TempDir
    Path dir;

    /** A name of its own, so that its gate thread can be told apart from other tests'. */
    private final String name = "unix-endpoint-test" + ENDPOINTS.incrementAndGet();

    private UnixEndpointServer<HelperExtensionMessage, ExtensionMessage> server;

    /** A peer that asks for nothing: what the endpoint does with it is not this test's concern. */
    private static final class Silent implements PeerConnection<HelperExtensionMessage, ExtensionMessage> {
        @Override
        public void attached(Speaker<HelperExtensionMessage, ExtensionMessage> speaker) {}

        @Override
        public void onMessage(Incoming<HelperExtensionMessage, ExtensionMessage> in) {}

        @Override
        public void closed(Throwable cause) {}
    }

    @BeforeEach
    void listen() throws Exception {
        server = new UnixEndpointServer<>(
                new EndpointSpec<>(
                        name,
                        Endpoints.Kind.EXTENSION,
                        ExtensionMessage.parser(),
                        Endpoints.HELPER_EXTENSION,
                        e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                        peer -> Optional.empty(),
                        who -> new Silent(),
                        ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 0)),
                dir.resolve("ne.sock"));
        server.start("rw-------", null);
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void itIsReachedAtItsPathAndCountsAPeerUntilItLeaves() throws Exception {
        assertEquals(dir.resolve("ne.sock"), server.path());
        assertEquals(dir.resolve("ne.sock").toString(), server.address());
        assertEquals(0, server.openConnections());

        Speaker<ExtensionMessage, HelperExtensionMessage> peer =
                EndpointClient.connectExtension(server.path(), WAIT, in -> {});
        assertEquals(1, server.openConnections(), "counted from the moment it was accepted");

        peer.close();
        server.drained().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, server.openConnections());
    }

    @Test
    void closingEndsItsThreadAndRemovesItsSocketFile() throws Exception {
        Thread gate = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("endpoint-" + name + "-gate"))
                .findFirst()
                .orElseThrow();

        server.close();

        gate.join(WAIT.toMillis());
        assertFalse(gate.isAlive(), "the gate's thread ended");
        assertTrue(Files.notExists(server.path(), LinkOption.NOFOLLOW_LINKS), "the socket file is gone");
    }
}
