package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.HeaderLine;
import dev.tunnelhelper.protocol.PeerIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * A connection the {@link HelloGate} holds before it is admitted: refused and lingering so it can
 * read why ({@link RefusalLinger}), or admitted and waiting for its hello line ({@link HelloReader}).
 * It holds its {@link ConnectionSlots.Slot} all along, and costs no thread.
 */
final class PendingPeer {
    final AFUNIXSocketChannel channel;
    final PeerIdentity peer;
    final ConnectionSlots.Slot slot;
    final boolean refused;
    /** What is still to be written: our hello line, and for a refused peer the error after it. */
    final ByteBuffer out;
    /** {@link System#nanoTime()} by which it must be done: its hello line read, or its lingering over. */
    final long deadline;

    final HeaderLine line = new HeaderLine();
    SelectionKey key;
    int discarded;
    /** The peer's hello line once complete, before or after our own line is fully written. */
    String peerLine;

    PendingPeer(
            AFUNIXSocketChannel channel,
            PeerIdentity peer,
            ConnectionSlots.Slot slot,
            boolean refused,
            ByteBuffer out,
            long deadline) {
        this.channel = channel;
        this.peer = peer;
        this.slot = slot;
        this.refused = refused;
        this.out = out;
        this.deadline = deadline;
    }

    /** Writes what the socket takes of {@link #out}; true once all of it is written. */
    boolean flush() throws IOException {
        channel.write(out);
        return !out.hasRemaining();
    }

    /** Readable always; writable too while something of ours is unwritten. */
    int interestOps() {
        return out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    }

    boolean expired(long now) {
        return now - deadline >= 0;
    }
}
