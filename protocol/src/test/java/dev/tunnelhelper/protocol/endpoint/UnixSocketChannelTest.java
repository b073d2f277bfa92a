package dev.tunnelhelper.protocol.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

@Timeout(30)
class UnixSocketChannelTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private AFUNIXServerSocket server;
    private Path path;

    @BeforeEach
    void listen() throws Exception {
        path = dir.resolve("ne.sock");
        server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(path));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private CompletableFuture<UnixSocketChannel<HelperExtensionMessage, ExtensionMessage>> acceptExtension() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                AFUNIXSocket s = server.accept();
                return UnixSocketChannel.<HelperExtensionMessage, ExtensionMessage>wrap(
                        s, ExtensionMessage.parser(), new FrameCodec(), path.toString());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void aChannelWithoutADescriptorReceiverDiscardsDescriptorsTheMessageStillArrives() throws Exception {
        var accepted = acceptExtension();
        var client = UnixSocketChannel.<ExtensionMessage, HelperExtensionMessage>connect(
                path, TIMEOUT, HelperExtensionMessage.parser(), new FrameCodec());
        var helperSide = accepted.get();
        try (FileInputStream devNull = new FileInputStream("/dev/null")) {
            // Counted by what they point at: a descriptor the kernel installed from the message would
            // be one more to /dev/null, while the JVM may open others meanwhile (a jar as a class
            // loads), which a plain count would take for one.
            long before = openFdsTo(UnixSocketChannelTest::devNull);
            ExtensionMessage start = ExtensionMessage.newBuilder()
                    .setStartDaemon(StartDaemon.newBuilder().setAccessUrl("https://x"))
                    .build();
            client.send(start, List.of(devNull.getFD(), devNull.getFD(), devNull.getFD()));

            Envelope<ExtensionMessage> in = helperSide.receive();
            assertEquals("https://x", in.message().getStartDaemon().getAccessUrl());
            assertEquals(List.of(), in.fds());
            assertEquals(
                    before,
                    openFdsTo(UnixSocketChannelTest::devNull),
                    "the kernel discarded them: not one was installed in the receiving process");
        }
        client.close();
        helperSide.close();
    }

    private static boolean devNull(String link) {
        return link.equals("/dev/null");
    }

    private static boolean socket(String link) {
        return link.startsWith("socket:");
    }

    /** Descriptors of this process whose link ({@code /proc/self/fd/N}) {@code target} accepts. */
    private static long openFdsTo(Predicate<String> target) throws Exception {
        long count = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (target.test(Files.readSymbolicLink(fd).toString())) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed since it was listed (the listing's own descriptor among them)
                }
            }
        }
        return count;
    }

    @Test
    void messagesWithoutDescriptorsCarryNone() throws Exception {
        var accepted = acceptExtension();
        var client = UnixSocketChannel.<ExtensionMessage, HelperExtensionMessage>connect(
                path, TIMEOUT, HelperExtensionMessage.parser(), new FrameCodec());
        var helperSide = accepted.get();
        client.send(ExtensionMessage.getDefaultInstance());
        assertEquals(List.of(), helperSide.receive().fds());
        client.close();
        assertEquals(null, helperSide.receive(), "a clean close reads as end of stream");
        helperSide.close();
    }

    @Test
    void thePeersKernelCredentialsAreKnownOnBothSides() throws Exception {
        var accepted = acceptExtension();
        var client = UnixSocketChannel.<ExtensionMessage, HelperExtensionMessage>connect(
                path, TIMEOUT, HelperExtensionMessage.parser(), new FrameCodec());
        var helperSide = accepted.get();
        long myPid = ProcessHandle.current().pid();
        assertEquals(myPid, helperSide.peer().pid());
        assertEquals(myPid, client.peer().pid());
        assertEquals(
                Long.parseLong(new com.sun.security.auth.module.UnixSystem().getUid() + ""),
                helperSide.peer().uid());
        assertTrue(helperSide.describe().startsWith("unix:" + path + " uid="), helperSide.describe());
        client.close();
        helperSide.close();
    }

    @Test
    void theHelloLineNamesTheRoleAndAMismatchIsRefused() throws Exception {
        var accepted = acceptExtension();
        var client = UnixSocketChannel.<AppMessage, HelperAppMessage>connect(
                path, TIMEOUT, HelperAppMessage.parser(), new FrameCodec());
        var helperSide = accepted.get();
        var clientHello = CompletableFuture.supplyAsync(() -> {
            try {
                return Endpoints.clientHandshake(Endpoints.Kind.APP, TIMEOUT)
                        .perform(client.rawInput(), client.rawOutput(), client);
            } catch (Exception e) {
                return null;
            }
        });
        HandshakeException e = assertThrows(
                HandshakeException.class,
                () -> Endpoints.helperHandshake(Endpoints.Kind.EXTENSION)
                        .perform(helperSide.rawInput(), helperSide.rawOutput(), helperSide));
        assertEquals("wrong role: expected extension, got app", e.getMessage());
        assertEquals("1.0", clientHello.get().version().toString(), "the client saw a valid helper line");
        client.close();
        helperSide.close();
    }

    @Test
    void theAppMessageSetRoundTrips() throws Exception {
        var accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return UnixSocketChannel.<HelperAppMessage, AppMessage>wrap(
                        server.accept(), AppMessage.parser(), new FrameCodec(), "app");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        var client = UnixSocketChannel.<AppMessage, HelperAppMessage>connect(
                path, TIMEOUT, HelperAppMessage.parser(), new FrameCodec());
        var helperSide = accepted.get();
        AppMessage ping =
                AppMessage.newBuilder().setPing(Ping.getDefaultInstance()).build();
        client.send(ping);
        assertEquals(ping, helperSide.receive().message());
        client.close();
        helperSide.close();
    }

    @Test
    void aFrameEncodedOnceIsSentAsItIs() throws Exception {
        var accepted = acceptExtension();
        var client = UnixSocketChannel.<ExtensionMessage, HelperExtensionMessage>connect(
                path, TIMEOUT, HelperExtensionMessage.parser(), new FrameCodec());
        var helperSide = accepted.get();
        ExtensionMessage start = ExtensionMessage.newBuilder()
                .setStartDaemon(StartDaemon.newBuilder().setAccessUrl("https://once"))
                .build();
        client.sendEncoded(EncodedFrame.of(start, new FrameCodec()));
        assertEquals(start, helperSide.receive().message());
        client.close();
        helperSide.close();
    }

    @Test
    void aConnectThatFailsLeavesNoDescriptorBehind() throws Exception {
        Path nobody = dir.resolve("nobody.sock");
        long before = openFdsTo(UnixSocketChannelTest::socket);
        for (int i = 0; i < 20; i++) {
            assertThrows(
                    IOException.class,
                    () -> UnixSocketChannel.<ExtensionMessage, HelperExtensionMessage>connect(
                            nobody, TIMEOUT, HelperExtensionMessage.parser(), new FrameCodec()));
        }
        assertEquals(before, openFdsTo(UnixSocketChannelTest::socket), "every failed attempt closed its socket");
    }
}
