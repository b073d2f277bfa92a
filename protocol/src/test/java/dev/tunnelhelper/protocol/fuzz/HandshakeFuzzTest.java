package dev.tunnelhelper.protocol.fuzz;

import static dev.tunnelhelper.protocol.testing.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunnelhelper.protocol.Handshake;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.HandshakeResult;
import dev.tunnelhelper.protocol.HeaderLine;
import dev.tunnelhelper.protocol.ProtocolVersion;
import dev.tunnelhelper.protocol.Role;
import dev.tunnelhelper.protocol.VersionList;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import java.time.Duration;

/**
 * The opening line of a tunnel (CoderVPN handshake) and of a helper client (hello line), as
 * arbitrary bytes: collected up to the first newline and never past it nor beyond 255 bytes,
 * then accepted with a version both sides speak, or refused with a one-line error that quotes
 * the peer only escaped.
 */
class HandshakeFuzzTest {
    private static final VersionList MANAGER_VERSIONS =
            VersionList.of(new ProtocolVersion(1, 3), new ProtocolVersion(3, 1));
    private static final Handshake MANAGER = new Handshake(Role.MANAGER, MANAGER_VERSIONS, Duration.ofSeconds(1));
    private static final Handshake HELPER = Endpoints.helperHandshake(Endpoints.Kind.APP);

    @FuzzTest
    void anyOpeningLineIsAcceptedWithACommonVersionOrRefusedOnOneEscapedLine(byte[] wire) {
        HeaderLine line = new HeaderLine();
        String complete = null;
        int consumed = 0;
        try {
            while (complete == null && consumed < wire.length) {
                complete = line.add(wire[consumed++]);
            }
        } catch (HandshakeException e) {
            assertEquals(Handshake.MAX_HEADER_BYTES, consumed, "a long line is refused exactly at the limit");
            assertOneLine(e.getMessage());
            return;
        }
        if (complete == null) {
            assertTrue(consumed < Handshake.MAX_HEADER_BYTES, "no newline, yet the line was not refused");
            return;
        }
        assertEquals('\n', wire[consumed - 1], "the line ends at the first newline, nothing after it is consumed");
        assertEquals(consumed - 1, complete.length());
        check(MANAGER, MANAGER_VERSIONS, "tunnel", complete);
        check(HELPER, Endpoints.VERSIONS, "app", complete);
    }

    private static void check(Handshake handshake, VersionList ours, String expectedRole, String peerLine) {
        HandshakeResult result;
        try {
            result = handshake.negotiate(peerLine);
        } catch (HandshakeException e) {
            assertOneLine(e.getMessage());
            return;
        }
        assertEquals(expectedRole, result.peerRole());
        ProtocolVersion agreed = result.version();
        assertTrue(
                ours.versions().stream().anyMatch(v -> v.major() == agreed.major() && v.minor() >= agreed.minor()),
                "agreed " + agreed + " which we do not speak");
        assertTrue(
                result.peerVersions().versions().stream()
                        .anyMatch(v -> v.major() == agreed.major() && v.minor() >= agreed.minor()),
                "agreed " + agreed + " which the peer does not speak");
        var theirs = result.peerVersions().versions();
        for (int i = 1; i < theirs.size(); i++) {
            assertTrue(
                    theirs.get(i).major() > theirs.get(i - 1).major(), "accepted majors that do not ascend: " + theirs);
        }
    }
}
