package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "manager {0} with tunnel {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1.3     | 1.3     | 1.3",
                "1.3     | 1.1     | 1.1",
                "1.1     | 1.3     | 1.1",
                "1.3,2.0 | 1.2,2.4 | 2.0",
                "1.3,2.7 | 1.9     | 1.3",
                "1.0,3.1 | 2.0,3.0 | 3.0",
            })
    void bothSidesNegotiateTheHighestCommonMajorWithTheLowerMinor(String manager, String tunnel, String expected)
            throws Exception {
        try (PipePair pipes = PipePair.open()) {
            var m = CompletableFuture.supplyAsync(() -> perform(Role.MANAGER, manager, pipes.left));
            var t = CompletableFuture.supplyAsync(() -> perform(Role.TUNNEL, tunnel, pipes.right));
            assertEquals(expected, m.get().version().toString());
            assertEquals(expected, t.get().version().toString());
            assertEquals("tunnel", m.get().peerRole());
        }
    }

    @Test
    void noCommonMajorFailsNamingBothLists() throws Exception {
        HandshakeException e =
                assertThrows(HandshakeException.class, () -> peerSays("codervpn tunnel 2.0,3.1\n", "1.3"));
        assertEquals("no common major version: ours 1.3, theirs 2.0,3.1", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "two parts                | codervpn tunnel                  | malformed header \"codervpn tunnel\": expected 3 space-separated parts, got 2",
                "four parts               | codervpn tunnel 1.3 extra        | malformed header \"codervpn tunnel 1.3 extra\": expected 3 space-separated parts, got 4",
                "double space             | codervpn  tunnel 1.3             | malformed header \"codervpn  tunnel 1.3\": expected 3 space-separated parts, got 4",
                "wrong preamble           | coderpvn tunnel 1.3              | bad preamble: expected codervpn, got coderpvn",
                "wrong role               | codervpn manager 1.3             | wrong role: expected tunnel, got manager",
                "unknown role             | codervpn client 1.3              | wrong role: expected tunnel, got client",
                "non-decimal minor        | codervpn tunnel 1.x              | invalid version list \"1.x\": \"1.x\" is not major.minor in decimal",
                "missing minor            | codervpn tunnel 1                | invalid version list \"1\": \"1\" is not major.minor in decimal",
                "signed number            | codervpn tunnel +1.3             | invalid version list \"+1.3\": \"+1.3\" is not major.minor in decimal",
                "descending majors        | codervpn tunnel 2.0,1.3          | invalid version list \"2.0,1.3\": majors are not ascending",
                "duplicate major          | codervpn tunnel 1.1,1.3          | invalid version list \"1.1,1.3\": major 1 appears twice",
                "major zero               | codervpn tunnel 0.9              | invalid version list \"0.9\": major must be >= 1 in \"0.9\"",
                "trailing comma           | codervpn tunnel 1.3,             | invalid version list \"1.3,\": \"\" is not major.minor in decimal",
            })
    void malformedPeerLinesAreRejectedSayingWhatWasWrong(String name, String line, String message) throws Exception {
        HandshakeException e = assertThrows(HandshakeException.class, () -> peerSays(line + "\n", "1.3"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aHeaderOf256BytesWithoutNewlineIsAnError() throws Exception {
        String longLine = "codervpn tunnel 1.3" + " ".repeat(256);
        HandshakeException e = assertThrows(HandshakeException.class, () -> peerSays(longLine, "1.3"));
        assertEquals("header is 256 bytes or more without a newline", e.getMessage());
    }

    @Test
    void aHeaderOf255BytesAndANewlineIsReadThenJudgedOnItsContent() throws Exception {
        String line = "codervpn tunnel " + "1.3,".repeat(59) + "2.0";
        String padded = line + "x".repeat(255 - line.length());
        assertEquals(255, padded.length());
        HandshakeException e = assertThrows(HandshakeException.class, () -> peerSays(padded + "\n", "1.3"));
        assertTrue(e.getMessage().startsWith("invalid version list"), e.getMessage());
    }

    @Test
    void endOfStreamMidLineIsAnError() throws Exception {
        HandshakeException e = assertThrows(HandshakeException.class, () -> peerSays("codervpn tun", "1.3"));
        assertEquals("stream ended after 12 header bytes, before the newline", e.getMessage());
    }

    @Test
    void wePromptlyWriteOurLineEvenWhenThePeerWaitsForItFirst() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            // A peer that reads our whole line before writing its own would deadlock a side that reads first.
            var peer = CompletableFuture.supplyAsync(() -> {
                try {
                    String ours = readLine(pipes.right);
                    pipes.right.out().write("codervpn tunnel 1.3\n".getBytes(StandardCharsets.US_ASCII));
                    return ours;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            HandshakeResult result =
                    handshake(Role.MANAGER, "1.3").perform(pipes.left.in(), pipes.left.out(), pipes.left);
            assertEquals("codervpn manager 1.3", peer.get());
            assertEquals(new ProtocolVersion(1, 3), result.version());
        }
    }

    @Test
    void bytesAfterTheNewlineStayUnreadForTheFramer() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            byte[] header = "codervpn tunnel 1.3\n".getBytes(StandardCharsets.US_ASCII);
            byte[] frame = {0, 0, 0, 2, 0x0a, 0x00};
            byte[] both = new byte[header.length + frame.length];
            System.arraycopy(header, 0, both, 0, header.length);
            System.arraycopy(frame, 0, both, header.length, frame.length);
            pipes.right.out().write(both); // header and first frame arrive in one write
            handshake(Role.MANAGER, "1.3").perform(pipes.left.in(), pipes.left.out(), pipes.left);
            assertArrayEquals(new byte[] {0x0a, 0x00}, new FrameCodec().readFrame(pipes.left.in()));
        }
    }

    @Test
    void aSilentPeerTimesOutAndTheStreamsAreClosed() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            Handshake quick = new Handshake(Role.MANAGER, VersionList.parse("1.3"), Duration.ofMillis(200));
            HandshakeException e = assertThrows(
                    HandshakeException.class, () -> quick.perform(pipes.left.in(), pipes.left.out(), pipes.left));
            assertEquals("handshake timed out after 200 ms waiting for the peer's header", e.getMessage());
            assertFalse(((java.nio.channels.Channel) pipes.left.source()).isOpen());
        }
    }

    @Test
    void ourHeaderIsTheDeployedFormat() throws Exception {
        assertEquals("codervpn manager 1.3\n", handshake(Role.MANAGER, "1.3").ourHeader());
        assertEquals(
                "codervpn tunnel 1.3,2.1\n", handshake(Role.TUNNEL, "1.3,2.1").ourHeader());
    }

    @Test
    void aNulByteInThePeersLineIsPartOfTheLineNotTheEndOfTheStream() throws Exception {
        HandshakeException e = assertThrows(HandshakeException.class, () -> peerSays("codervpn\0tunnel 1.3\n", "1.3"));
        assertEquals(HandshakeException.Reason.MALFORMED, e.reason());
        assertEquals(
                "malformed header \"codervpn\\x00tunnel 1.3\": expected 3 space-separated parts, got 2",
                e.getMessage());
    }

    @Test
    void aCallerInterruptedWhileWaitingEndsTheHandshakeClosesTheStreamsAndStaysInterrupted() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            var aborted = new CompletableFuture<Void>();
            var failure = new CompletableFuture<HandshakeException>();
            var interruptKept = new CompletableFuture<Boolean>();
            Thread caller = NamedThreads.start("handshake-caller", () -> {
                try {
                    handshake(Role.MANAGER, "1.3").perform(pipes.left.in(), pipes.left.out(), () -> {
                        aborted.complete(null);
                        pipes.left.close();
                    });
                    failure.completeExceptionally(new AssertionError("the handshake completed"));
                } catch (HandshakeException e) {
                    interruptKept.complete(Thread.currentThread().isInterrupted());
                    failure.complete(e);
                } catch (IOException | RuntimeException e) {
                    failure.completeExceptionally(e);
                }
            });
            assertEquals("codervpn manager 1.3", readLine(pipes.right), "the caller is inside the handshake");
            caller.interrupt();
            HandshakeException e = failure.get(10, TimeUnit.SECONDS);
            assertEquals(HandshakeException.Reason.IO_ERROR, e.reason());
            assertEquals("interrupted waiting for the peer's header", e.getMessage());
            assertTrue(aborted.isDone(), "the streams were closed, so the thread reading them ends too");
            assertTrue(interruptKept.get(10, TimeUnit.SECONDS));
        }
    }

    private static HandshakeResult peerSays(String peerBytes, String ourVersions) throws Exception {
        try (PipePair pipes = PipePair.open()) {
            pipes.right.out().write(peerBytes.getBytes(StandardCharsets.US_ASCII));
            pipes.right.sink().close(); // EOF after what the peer said
            return handshake(Role.MANAGER, ourVersions).perform(pipes.left.in(), pipes.left.out(), pipes.left);
        }
    }

    private static Handshake handshake(Role role, String versions) throws ProtocolException {
        return new Handshake(role, VersionList.parse(versions), TIMEOUT);
    }

    private static HandshakeResult perform(Role role, String versions, PipePair.End end) {
        try {
            return handshake(role, versions).perform(end.in(), end.out(), end);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static String readLine(PipePair.End end) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = end.in().read()) != '\n') {
            sb.append((char) b);
        }
        return sb.toString();
    }
}
