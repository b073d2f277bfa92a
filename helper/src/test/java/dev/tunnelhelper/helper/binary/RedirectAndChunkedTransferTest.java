package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour the testbed cannot produce: redirects, and bodies without a Content-Length. A tiny
 * JDK server plays the deployment's front end.
 */
class RedirectAndChunkedTransferTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private HttpServer elsewhere;
    private String base;
    private final List<String> headerSeen = new CopyOnWriteArrayList<>();
    private DeploymentHttp http;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        String other = "http://127.0.0.1:" + elsewhere.getAddress().getPort();
        server.createContext("/", exchange -> {
            headerSeen.add(exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("X-Op"));
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/hop1" -> redirect(exchange, 302, "/hop2");
                case "/hop2" -> redirect(exchange, 307, base + "/final");
                case "/loop" -> redirect(exchange, 301, "/loop");
                case "/away" -> redirect(exchange, 302, other + "/final");
                case "/chunked" -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        byte[] block = new byte[16 * 1024];
                        for (int i = 0; i < 64; i++) {
                            out.write(block);
                        }
                    } catch (java.io.IOException clientGaveUp) {
                        // Expected: the client stops reading at its cap.
                    }
                }
                default -> {
                    byte[] body = "final".getBytes(StandardCharsets.US_ASCII);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            }
            exchange.close();
        });
        elsewhere.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        elsewhere.start();
        http = DeploymentHttp.create(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange exchange, int status, String location)
            throws java.io.IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        elsewhere.stop(0);
    }

    private static final List<OperatorHeader> HEADERS = List.of(new OperatorHeader("X-Op", "secret"));

    @Test
    void sameOriginRedirectsAreFollowedWithTheOperatorHeadersOnEveryHop() throws Exception {
        try (OpenResponse response = http.get(URI.create(base + "/hop1"), HEADERS, Map.of())) {
            assertEquals(200, response.status());
            assertEquals(URI.create(base + "/final"), response.uri());
            assertEquals("final", new String(response.body().readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(List.of("/hop1 secret", "/hop2 secret", "/final secret"), headerSeen);
    }

    @Test
    void aRedirectToAnotherOriginOverHttpIsRefused() {
        TransferException e =
                assertThrows(TransferException.class, () -> http.get(URI.create(base + "/away"), HEADERS, Map.of()));
        assertTrue(e.getMessage().contains("refusing redirect from " + base + "/away"), e.getMessage());
        assertTrue(e.getMessage().contains("within the same origin"), e.getMessage());
    }

    @Test
    void aRedirectLoopStopsAfterFiveHops() {
        TransferException e =
                assertThrows(TransferException.class, () -> http.get(URI.create(base + "/loop"), HEADERS, Map.of()));
        assertTrue(e.getMessage().startsWith("too many redirects"), e.getMessage());
        assertEquals(RedirectPolicy.MAX_HOPS + 1, headerSeen.size());
    }

    @Test
    void aBodyWithoutLengthIsCutOffAtTheCapAndNothingIsLeftBehind() throws Exception {
        Path dir = Files.createDirectory(
                tmp.resolve("bin"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        BinaryDirectory directory = BinaryDirectory.open(dir, ProcessIdentity.effectiveUid());
        List<Long> totals = new CopyOnWriteArrayList<>();

        AcquisitionException e = assertThrows(
                AcquisitionException.class,
                () -> new BinaryDownloader(http, 100_000)
                        .download(
                                URI.create(base + "/chunked"),
                                HEADERS,
                                Optional.empty(),
                                directory,
                                "coder-linux-amd64",
                                AcquisitionFixture.onDownloaded((written, total) -> totals.add(total)),
                                () -> candidate -> {}));

        assertEquals(Step.DOWNLOAD, e.step());
        assertTrue(e.getMessage().contains("sent more than the limit of 100000 bytes"), e.getMessage());
        assertEquals(List.of(-1L), totals.stream().distinct().toList(), "the total is unknown without a length");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
