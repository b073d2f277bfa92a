package dev.tunnelhelper.protocol.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.ProtocolVersion;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.Pong;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.protocol.testing.ScriptedHelper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * What a client gets from {@link EndpointClient} for each thing it can find at the socket path:
 * nothing, a plain file, a socket nobody listens on (all three: the helper is not running, said
 * for the endpoint asked for), a listener that is not the helper (refused, connection closed),
 * and the helper (a speaker that carries calls).
 */
@Timeout(30)
class EndpointClientConnectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private Path base;

    @BeforeEach
    void privateBase() throws Exception {
        base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static HelperUnavailableException assertUnavailable(Throwable thrown) {
        assertTrue(thrown instanceof HelperUnavailableException, thrown.toString());
        assertFalse(thrown instanceof UntrustedHelperException, thrown.toString());
        return (HelperUnavailableException) thrown;
    }

    @Test
    void noSocketIsUnavailabilityNamingTheEndpointAskedFor() {
        Path socket = base.resolve("ne.sock");
        HelperUnavailableException e = assertUnavailable(
                assertThrows(IOException.class, () -> EndpointClient.connectExtension(socket, TIMEOUT, in -> {})));
        assertTrue(
                e.getMessage()
                        .startsWith("tunnel helper is not running: no socket at the helper's extension endpoint ("
                                + socket + ")."),
                e.getMessage());
        assertEquals(socket, e.socket());
    }

    @Test
    void aPlainFileAtTheSocketPathIsNothingToTalkTo() throws Exception {
        Path socket = Files.createFile(base.resolve("app.sock"));
        HelperUnavailableException e = assertUnavailable(
                assertThrows(IOException.class, () -> EndpointClient.connectApp(socket, TIMEOUT, in -> {})));
        assertTrue(
                e.getMessage()
                        .startsWith("tunnel helper is not running: cannot connect to the helper's app endpoint: "
                                + socket + " is not a socket"),
                e.getMessage());
    }

    @Test
    void aSocketNobodyListensOnAnyMoreIsUnavailabilityNotAnIoTrace() throws Exception {
        Path socket = base.resolve("app.sock");
        try (AFUNIXServerSocket stale = AFUNIXServerSocket.newInstance()) {
            stale.setDeleteOnClose(false);
            stale.bind(AFUNIXSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "the killed helper's socket file is still there");

        HelperUnavailableException e = assertUnavailable(
                assertThrows(IOException.class, () -> EndpointClient.connectApp(socket, TIMEOUT, in -> {})));
        assertTrue(
                e.getMessage()
                        .startsWith("tunnel helper is not running: cannot connect to the helper's app endpoint: "),
                e.getMessage());
    }

    @Test
    void aListenerThatDoesNotGreetLikeTheHelperIsRefusedAndItsConnectionClosed() throws Exception {
        Path socket = base.resolve("app.sock");
        try (AFUNIXServerSocket impostor = AFUNIXServerSocket.newInstance()) {
            impostor.bind(AFUNIXSocketAddress.of(socket));
            CompletableFuture<Integer> bytesUntilClosed = CompletableFuture.supplyAsync(() -> {
                try (Socket s = impostor.accept()) {
                    s.getOutputStream().write("codervpn manager 1.0\n".getBytes(StandardCharsets.US_ASCII));
                    InputStream in = s.getInputStream();
                    int n = 0;
                    while (in.read() >= 0) {
                        n++;
                    }
                    return n;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            assertThrows(HandshakeException.class, () -> EndpointClient.connectApp(socket, TIMEOUT, in -> {}));

            String hello = "tunnelhelper app 1.0\n";
            assertEquals(
                    hello.length(),
                    bytesUntilClosed.get(10, TimeUnit.SECONDS),
                    "the client said its hello line, then closed the connection");
        }
    }

    @Test
    void theHelperGivesASpeakerThatCarriesCallsAtTheNegotiatedVersion() throws Exception {
        try (var helper = ScriptedHelper.app(base)) {
            CompletableFuture<AppMessage> received = helper.answerNext(HelperAppMessage.newBuilder()
                    .setPong(Pong.newBuilder().setHelperVersion("1.2.3"))
                    .build());
            var speaker = EndpointClient.connectApp(helper.socket(), TIMEOUT, in -> {});
            try {
                assertEquals(new ProtocolVersion(1, 0), speaker.version());
                HelperAppMessage reply = speaker.call(
                        AppMessage.newBuilder()
                                .setPing(Ping.getDefaultInstance())
                                .build(),
                        TIMEOUT);
                assertTrue(received.get(10, TimeUnit.SECONDS).hasPing());
                assertEquals("1.2.3", reply.getPong().getHelperVersion());
            } finally {
                speaker.close();
            }
        }
    }

    @Test
    void theExtensionEndpointGivesASpeakerForTheExtensionsMessages() throws Exception {
        try (var helper = ScriptedHelper.extension(base)) {
            CompletableFuture<ExtensionMessage> received = helper.answerNext(HelperExtensionMessage.newBuilder()
                    .setStopDaemonResult(Result.newBuilder().setSuccess(true))
                    .build());
            HelperEndpoint endpoint = HelperEndpoint.unixSocket(helper.socket());
            assertEquals(helper.socket().toString(), endpoint.describe());
            var speaker = endpoint.connectExtension(TIMEOUT, in -> {});
            try {
                HelperExtensionMessage reply = speaker.call(
                        ExtensionMessage.newBuilder()
                                .setStopDaemon(StopDaemon.getDefaultInstance())
                                .build(),
                        TIMEOUT);
                assertTrue(received.get(10, TimeUnit.SECONDS).hasStopDaemon());
                assertTrue(reply.getStopDaemonResult().getSuccess());
            } finally {
                speaker.close();
            }
        }
    }
}
