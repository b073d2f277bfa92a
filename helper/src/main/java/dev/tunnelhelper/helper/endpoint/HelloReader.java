package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.Handshake;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads an admitted peer's hello line as it arrives, without a thread: byte by byte, because not
 * one byte past the newline may be taken from the frames that follow, and checked against the
 * endpoint's handshake (role, preamble, versions) once complete. The reasons it gives quote the
 * peer's line through {@link dev.tunnelhelper.protocol.PeerText} (done by {@link Handshake}).
 */
final class HelloReader {
    /**
     * What reading turned up: the line is still incomplete, or it is complete and valid, or the
     * peer failed ({@code failure} says why; {@code silentProbe} when it left without a byte).
     */
    record Outcome(boolean complete, String failure, boolean silentProbe) {
        static final Outcome INCOMPLETE = new Outcome(false, null, false);
        static final Outcome VALID = new Outcome(true, null, false);

        static Outcome failed(String why, boolean silentProbe) {
            return new Outcome(false, why, silentProbe);
        }
    }

    private final Handshake handshake;
    private final ByteBuffer oneByte = ByteBuffer.allocate(1);

    HelloReader(Endpoints.Kind kind) {
        this.handshake = Endpoints.helperHandshake(kind);
    }

    /** Our own line, written to every peer as soon as it is accepted. */
    String ourLine() {
        return handshake.ourHeader();
    }

    /** Reads what has arrived of {@code p}'s line. */
    Outcome read(PendingPeer p) throws IOException {
        while (p.peerLine == null) {
            oneByte.clear();
            int n = p.channel.read(oneByte);
            if (n == 0) {
                return Outcome.INCOMPLETE;
            }
            if (n < 0) {
                return hungUp(p);
            }
            try {
                p.peerLine = p.line.add(oneByte.get(0));
            } catch (HandshakeException e) {
                return Outcome.failed(e.getMessage(), false);
            }
        }
        try {
            handshake.negotiate(p.peerLine);
        } catch (HandshakeException e) {
            return Outcome.failed(e.getMessage(), false);
        }
        return Outcome.VALID;
    }

    /** The peer hung up before its line was complete. */
    static Outcome hungUp(PendingPeer p) {
        return Outcome.failed(Handshake.endedEarly(p.line.length()).getMessage(), p.line.length() == 0);
    }

    /** The peer's time for its line ran out. */
    static Outcome timedOut(PendingPeer p) {
        return Outcome.failed(
                "handshake timed out after " + Endpoints.HANDSHAKE_TIMEOUT.toMillis()
                        + " ms waiting for the peer's header",
                p.line.length() == 0);
    }
}
