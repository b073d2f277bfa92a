package dev.tunnelhelper.shim.xpc;

import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.MessageDecoder;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.XpcMessage;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Hands XPC messages from XPC's callback threads to the one thread that calls
 * {@link dev.tunnelhelper.protocol.MessageTransport#receive}. A callback must never block native
 * code, so the queue is bounded and {@link #offer} never waits: when the reader has fallen that
 * far behind, the inbox fails and the caller cancels the connection. XPC gives us no other
 * back-pressure (the Unix carrier's is the socket buffer).
 *
 * <p>Decoding happens on the reader thread, so the callback only copies bytes; it is the same
 * {@link MessageDecoder} stage as on the Unix carrier (the payload is a frame without its length
 * prefix), so a message is valid on both carriers or on neither.
 */
final class XpcInbox<R> {
    private final MessageDecoder<R> decoder;
    private final int capacity;
    private final String where;
    private final ArrayDeque<XpcMessage> queue = new ArrayDeque<>();
    private boolean ended;
    private IOException endedBy;
    private ProtocolException failure;

    XpcInbox(Parser<R> parser, int capacity, String where) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.decoder = new MessageDecoder<>(parser, new FrameCodec());
        this.capacity = capacity;
        this.where = where;
    }

    /**
     * Queues a message without waiting. Returns false if it did not fit: the inbox has failed and
     * the caller must cancel the connection. Messages after the end are dropped (their fds closed).
     */
    synchronized boolean offer(XpcMessage message) {
        if (ended || failure != null) {
            closeFd(message);
            return failure == null;
        }
        if (queue.size() >= capacity) {
            closeFd(message);
            failure = new ProtocolException(where + ": more than " + capacity
                    + " XPC messages waiting to be read; the connection was cancelled because its reader fell behind");
            drain();
            notifyAll();
            return false;
        }
        queue.add(message);
        notifyAll();
        return true;
    }

    /** No more messages: the connection ended (XPC error event) or was closed locally. Queued ones are still read. */
    synchronized void end() {
        end(null);
    }

    /** The same, and once the queue is read, {@link #take} throws {@code why} (null: a clean end). */
    synchronized void end(IOException why) {
        if (!ended) {
            endedBy = why;
        }
        ended = true;
        notifyAll();
    }

    /** Closed locally: queued messages are dropped and the reader sees the end at once. */
    synchronized void discard() {
        ended = true;
        endedBy = null;
        drain();
        notifyAll();
    }

    /** The next message, {@code null} once the connection has ended and the queue is empty. */
    Envelope<R> take() throws IOException {
        XpcMessage next;
        synchronized (this) {
            while (true) {
                if (failure != null) {
                    throw failure;
                }
                next = queue.poll();
                if (next == null && ended && endedBy != null) {
                    throw endedBy;
                }
                if (next != null || ended) {
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted waiting for an XPC message on " + where);
                }
            }
        }
        return next == null ? null : decode(next);
    }

    private Envelope<R> decode(XpcMessage message) throws IOException {
        R decoded;
        try {
            decoded = decoder.decode(message.payload());
        } catch (ProtocolException e) {
            closeFd(message);
            throw e;
        }
        if (message.fd().isEmpty()) {
            return Envelope.of(decoded);
        }
        // Ownership moves to the receiver, as with SCM_RIGHTS on the Unix carrier.
        FileDescriptor fd = FileDescriptors.of(message.fd().get().release());
        return new Envelope<>(decoded, List.of(fd));
    }

    private void drain() {
        XpcMessage m;
        while ((m = queue.poll()) != null) {
            closeFd(m);
        }
    }

    private static void closeFd(XpcMessage message) {
        message.fd().ifPresent(OwnedFd::close);
    }
}
