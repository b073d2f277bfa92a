package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.PeerIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * How the {@link HelloGate} answers a refused peer: our hello line and the UNAUTHORIZED frame in
 * one write, then, so that the peer can read them (closing with its bytes unread would reset the
 * connection), a moment in which what it sends is read and discarded. Bounded on every side: at
 * most {@link #REFUSAL_LINGER} and {@link #DISCARD_LIMIT} bytes per peer, at most
 * {@link #MAX_LINGERING} peers at once; beyond that a refused connection is closed as soon as the
 * answer is written, or not.
 */
final class RefusalLinger {
    /** How long a refused peer may take to read why (and send more, which is discarded). */
    static final Duration REFUSAL_LINGER = Duration.ofSeconds(1);
    /** Refused connections kept open to linger at once; beyond that they are closed at once. */
    static final int MAX_LINGERING = 64;

    private static final int DISCARD_LIMIT = 64 * 1024;

    private final PeerAdmission<?, ?> admission;
    private final byte[] hello;
    private final FrameCodec codec;
    private final ByteBuffer discard = ByteBuffer.allocate(4096);
    private int lingering;

    RefusalLinger(PeerAdmission<?, ?> admission, byte[] hello, FrameCodec codec) {
        this.admission = admission;
        this.hello = hello;
        this.codec = codec;
    }

    /**
     * Tells the peer why and keeps its connection for a moment.
     *
     * @return the connection to hold while it lingers, or null when it was closed at once (a flood)
     */
    PendingPeer refuse(AFUNIXSocketChannel channel, PeerIdentity peer, String reason, long now) throws IOException {
        byte[] frame = codec.encode(admission.refusalFrame(reason));
        ByteBuffer out = ByteBuffer.allocate(hello.length + frame.length)
                .put(hello)
                .put(frame)
                .flip();
        channel.write(out);
        if (lingering >= MAX_LINGERING) {
            // Under a flood: tell it if the buffer took it, but keep nothing open for it.
            HelloGate.closeQuietly(channel);
            return null;
        }
        if (!out.hasRemaining()) {
            channel.shutdownOutput();
        }
        lingering++;
        return new PendingPeer(channel, peer, admission.lingering(peer), true, out, now + REFUSAL_LINGER.toNanos());
    }

    /** Everything is written: nothing more goes to this peer. */
    void answered(PendingPeer p) throws IOException {
        p.channel.shutdownOutput();
    }

    /** Reads and discards what arrived; true when the peer is done with (end of stream, or over the limit). */
    boolean discardInput(PendingPeer p) throws IOException {
        while (true) {
            discard.clear();
            int n = p.channel.read(discard);
            if (n == 0) {
                return false;
            }
            p.discarded += Math.max(0, n);
            if (n < 0 || p.discarded > DISCARD_LIMIT) {
                return true;
            }
        }
    }

    /** The gate let go of a lingering peer. */
    void released() {
        lingering--;
    }
}
