package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.apps.AppFanout;
import dev.tunnelhelper.helper.apps.FanoutLimits;
import dev.tunnelhelper.helper.session.FakeAcquirer;
import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.ScriptedLauncher;
import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionSettings;
import dev.tunnelhelper.helper.session.TunnelSession;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Subscribe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app connection's subscription (docs/protocol.md §2): a subscribed connection may stay silent
 * as long as it likes (the idle timeout spares it), subscribes once, and its subscription ends
 * with the connection. A real endpoint on a Unix socket, a real session and fan-out behind it,
 * and a real client.
 */
class AppConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String VERSION = "9.9.9-test";

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final OpenedConnections<HelperAppMessage, AppMessage, PeerConnection<HelperAppMessage, AppMessage>> opened =
            new OpenedConnections<>(WAIT);
    private final AppFanout fanout =
            new AppFanout(VERSION, new FanoutLimits(8, FanoutLimits.DEFAULT_BYTES), new SessionEventListener() {});
    private final FakeAcquirer acquirer = new FakeAcquirer();
    private TunnelSession session;
    private UnixEndpointServer<HelperAppMessage, AppMessage> server;
    private Speaker<AppMessage, HelperAppMessage> app;

    @BeforeEach
    void listen() throws IOException {
        session = new TunnelSession(
                SessionSettings.builder().helperVersion(VERSION).build(), acquirer, new ScriptedLauncher());
        session.addListener(events);
        session.addListener(fanout);
        events.awaitPhase(SessionPhase.IDLE);
        PeerConnectionFactory<HelperAppMessage, AppMessage> real =
                EndpointConnections.appConnections(session, fanout, VERSION);
        server = new UnixEndpointServer<>(
                AppEndpointSpecs.app(
                        peer -> Optional.empty(),
                        opened.wrapping(real::open),
                        ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 0)),
                dir.resolve("app.sock"));
        server.start("rw-------", null);
        app = EndpointClient.connectApp(server.path(), WAIT, in -> {});
    }

    @AfterEach
    void close() throws Exception {
        app.close();
        session.shutdown().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.close();
        server.drained().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private HelperAppMessage subscribe() throws Exception {
        return app.request(
                        AppMessage.newBuilder()
                                .setSubscribe(Subscribe.getDefaultInstance())
                                .build(),
                        WAIT)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void anAppConnectingHasNothingBuiltAheadOnlyTheExtensionDoes() throws Exception {
        var connection = opened.next();
        assertTrue(subscribe().hasSubscribed()); // attached and answered
        assertFalse(connection.closed().isDone());
        assertFalse(acquirer.prepared.isDone(), "an app (any local user) cannot make the helper build ahead");
    }

    @Test
    void aSubscribedConnectionIsKeptOpenAndItsSubscriptionEndsWithIt() throws Exception {
        var connection = opened.next();
        assertFalse(connection.keepsOpen(), "a connection that has not subscribed may be closed when idle");
        assertTrue(subscribe().hasSubscribed());
        assertTrue(connection.keepsOpen(), "a subscriber may stay silent");
        assertEquals(1, fanout.subscriberCount());
        app.close();
        connection.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, fanout.subscriberCount(), "the closed connection's subscription ended with it");
    }

    @Test
    void aConnectionSubscribesOnceASecondSubscribeIsABadRequest() throws Exception {
        var connection = opened.next();
        assertTrue(subscribe().hasSubscribed());
        HelperAppMessage again = subscribe();
        assertEquals("BAD_REQUEST", again.getError().getCode(), again.toString());
        assertEquals("this connection is already subscribed", again.getError().getMessage());
        assertEquals(1, fanout.subscriberCount(), "still one subscription, not two");
        assertTrue(connection.keepsOpen());
    }
}
