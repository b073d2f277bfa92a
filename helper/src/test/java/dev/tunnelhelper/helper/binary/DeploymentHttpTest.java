package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The helper's HTTP transport to the deployment: connections are kept alive between requests, a
 * request given up on (deadline, interrupt) ends at once for its caller even while the server
 * holds the connection silent, and what a silent server can make the helper hold is bounded.
 */
class DeploymentHttpTest {

    /** Long enough that a test ending before it shows the idle timeout was not what ended a wait. */
    private static final Duration LONG_IDLE = Duration.ofSeconds(60);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    @Test
    void requestsToTheSameServerReuseOneConnection() throws Exception {
        List<Integer> clientPorts = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        DeploymentHttp http = DeploymentHttp.create(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/buildinfo");

        for (int i = 0; i < 3; i++) {
            try (OpenResponse response = http.get(uri, List.of(), Map.of())) {
                assertEquals(200, response.status());
                assertEquals("{}", new String(response.body().readAllBytes(), StandardCharsets.US_ASCII));
            }
        }

        assertEquals(3, clientPorts.size());
        assertEquals(1, clientPorts.stream().distinct().count(), "client ports seen: " + clientPorts);
    }

    @Test
    void aPlainHttpDeploymentNeverHasATlsContextBuiltAndAnHttpsOneDoes() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        DeploymentHttp http = DeploymentHttp.create(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());

        try (OpenResponse response =
                http.get(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), List.of(), Map.of())) {
            assertEquals(204, response.status());
        }
        // Building the JDK's default TLS context costs a new helper over 100 ms of its cold start.
        assertFalse(http.tlsBuilt(), "a TLS context was built for a plain-http request");

        assertThrows(TransferException.class, () -> http.get(URI.create("https://127.0.0.1:9/"), List.of(), Map.of()));
        assertTrue(http.tlsBuilt(), "an https request builds the TLS context");
    }

    @Test
    void anOperatorHeaderTheTransportOwnsIsRefusedNotDropped() throws Exception {
        DeploymentHttp http = DeploymentHttp.create(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());
        for (String name : List.of("Host", "connection", "Content-Length", "Transfer-Encoding", "Upgrade", "Via")) {
            TransferException e = assertThrows(
                    TransferException.class,
                    () -> http.get(
                            URI.create("http://127.0.0.1:9/"), List.of(new OperatorHeader(name, "x")), Map.of()));
            assertEquals(
                    "the operator header '" + name
                            + "' cannot be sent by the helper's HTTP client (restricted or invalid name)",
                    e.getMessage());
        }
    }

    @Test
    void anInterruptEndsABodyTheServerStopsSendingAtOnce() throws Exception {
        SilentServer server = new SilentServer("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
        DeploymentHttp http = DeploymentHttp.create(Duration.ofSeconds(5), LONG_IDLE, LONG_IDLE, Optional.empty());

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (OpenResponse response = http.get(server.uri(), List.of(), Map.of())) {
                assertEquals(10, response.body().readNBytes(10).length);
                Thread.currentThread().interrupt();
                TransferException e = assertThrows(
                        TransferException.class, () -> response.body().read());
                assertTrue(e.getMessage().startsWith("interrupted while reading response body from "), e.getMessage());
                assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            }
        });
    }

    @Test
    void anInterruptEndsTheWaitForHeadersAtOnce() throws Exception {
        SilentServer server = new SilentServer("");
        DeploymentHttp http = DeploymentHttp.create(Duration.ofSeconds(5), LONG_IDLE, LONG_IDLE, Optional.empty());

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Thread caller = Thread.currentThread(); // the preemptive timeout runs this on a thread of its own
            NamedThreads.start("interrupter", () -> {
                server.awaitRequest();
                caller.interrupt();
            });
            TransferException e =
                    assertThrows(TransferException.class, () -> http.get(server.uri(), List.of(), Map.of()));
            assertEquals("interrupted while requesting " + server.uri(), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        });
    }

    @Test
    void theTotalTimeLimitEndsASilentBodyBeforeTheIdleTimeout() throws Exception {
        SilentServer server = new SilentServer("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
        DeploymentHttp http =
                DeploymentHttp.create(Duration.ofSeconds(5), LONG_IDLE, Duration.ofSeconds(2), Optional.empty());

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (OpenResponse response = http.get(server.uri(), List.of(), Map.of())) {
                TransferException e = assertThrows(
                        TransferException.class, () -> response.body().readAllBytes());
                assertTrue(
                        e.getMessage().contains("did not finish within the total time limit (received 10 bytes)"),
                        e.getMessage());
            }
        });
    }

    @Test
    void requestsGivenUpOnWhileTheServerIsSilentAreBoundedThenFreedWhenItHangsUp() throws Exception {
        SilentServer server = new SilentServer("");
        DeploymentHttp http =
                DeploymentHttp.create(Duration.ofSeconds(5), LONG_IDLE, Duration.ofMillis(200), Optional.empty());

        // Each request ends for its caller after the 200 ms limit, but its thread still waits
        // on the silent socket (up to the idle timeout) until the server hangs up.
        for (int i = 0; i < DeploymentHttp.MAX_EXCHANGES; i++) {
            TransferException e =
                    assertThrows(TransferException.class, () -> http.get(server.uri(), List.of(), Map.of()));
            assertTrue(e.getMessage().startsWith("no response from "), e.getMessage());
        }
        TransferException refused =
                assertThrows(TransferException.class, () -> http.get(server.uri(), List.of(), Map.of()));
        assertEquals(
                "cannot request " + server.uri() + ": " + DeploymentHttp.MAX_EXCHANGES
                        + " requests to the deployment are still running",
                refused.getMessage());

        server.hangUpAndAnswer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            while (true) {
                try (OpenResponse response = http.get(server.uri(), List.of(), Map.of())) {
                    assertEquals("ok", new String(response.body().readAllBytes(), StandardCharsets.US_ASCII));
                    return;
                } catch (TransferException stillRunning) {
                    // The threads end as their sockets close; the next attempt finds one free.
                    Thread.onSpinWait();
                }
            }
        });
    }

    /**
     * Answers each request with a fixed prefix of a response, then says nothing more and keeps
     * the connection open, until told to hang up; after that it answers in full.
     */
    private final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final CountDownLatch requested = new CountDownLatch(1);
        private volatile String prefix;
        private volatile boolean silent = true;

        SilentServer(String prefix) throws IOException {
            this.prefix = prefix;
            cleanup.add(this);
            NamedThreads.start("silent-server", this::serve);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/bin/coder");
        }

        void awaitRequest() {
            try {
                requested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void hangUpAndAnswer(String response) throws IOException {
            prefix = response;
            silent = false;
            for (Socket s : held) {
                s.close();
            }
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    RawHttpResponder.readRequestHead(connection.getInputStream());
                    requested.countDown();
                    connection.getOutputStream().write(prefix.getBytes(StandardCharsets.ISO_8859_1));
                    connection.getOutputStream().flush();
                    if (silent) {
                        held.add(connection);
                    } else {
                        connection.close();
                    }
                } catch (IOException e) {
                    // Closing.
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
