package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.protocol.HandshakeException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way a peer's line can fail carries its typed reason, so callers need not parse messages. */
class HandshakeFailureReasonTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "MALFORMED         | codervpn tunnel\\n",
                "BAD_PREAMBLE      | coderpvn tunnel 1.3\\n",
                "WRONG_ROLE        | codervpn manager 1.3\\n",
                "BAD_VERSIONS      | codervpn tunnel 1.x\\n",
                "NO_COMMON_VERSION | codervpn tunnel 2.0\\n",
                "ENDED             | codervpn tun",
            })
    void thePeersLineDecidesTheReason(Reason expected, String peerBytes) throws Exception {
        HandshakeException e = assertThrows(
                HandshakeException.class, () -> peerSays(peerBytes.replace("\\n", "\n"), Duration.ofSeconds(5)));
        assertEquals(expected, e.reason(), e.getMessage());
    }

    @ParameterizedTest(name = "a line of {0} bytes without a newline")
    @CsvSource({"256", "300"})
    void anOverlongLineIsTooLong(int length) throws Exception {
        HandshakeException e =
                assertThrows(HandshakeException.class, () -> peerSays("x".repeat(length), Duration.ofSeconds(5)));
        assertEquals(Reason.TOO_LONG, e.reason());
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            Handshake quick = new Handshake(Role.MANAGER, VersionList.parse("1.3"), Duration.ofMillis(100));
            HandshakeException e = assertThrows(
                    HandshakeException.class, () -> quick.perform(pipes.left.in(), pipes.left.out(), pipes.left));
            assertEquals(Reason.TIMED_OUT, e.reason());
        }
    }

    private static HandshakeResult peerSays(String peerBytes, Duration timeout) throws Exception {
        try (PipePair pipes = PipePair.open()) {
            pipes.right.out().write(peerBytes.getBytes(StandardCharsets.US_ASCII));
            pipes.right.sink().close();
            return new Handshake(Role.MANAGER, VersionList.parse("1.3"), timeout)
                    .perform(pipes.left.in(), pipes.left.out(), pipes.left);
        }
    }
}
