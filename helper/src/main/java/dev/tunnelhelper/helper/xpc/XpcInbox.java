package dev.tunnelhelper.helper.xpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Inbound;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
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
 * <p>Parsing happens on the reader thread, so the callback only copies bytes.
 */
final class XpcInbox<R> {
    /** The same ceiling as a Unix-socket frame, so a message is valid on both carriers or on neither. */
    static final int MAX_PAYLOAD = FrameCodec.DEFAULT_MAX_FRAME_SIZE;

    private final Parser<R> parser;
    private final int capacity;
    private final String where;
    private final ArrayDeque<XpcMessage> queue = new ArrayDeque<>();
    private boolean ended;
    private ProtocolException failure;

    XpcInbox(Parser<R> parser, int capacity, String where) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.parser = parser;
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
        ended = true;
        notifyAll();
    }

    /** Closed locally: queued messages are dropped and the reader sees the end at once. */
    synchronized void discard() {
        ended = true;
        drain();
        notifyAll();
    }

    /** The next message, {@code null} once the connection has ended and the queue is empty. */
    Inbound<R> take() throws IOException {
        XpcMessage next;
        synchronized (this) {
            while (true) {
                if (failure != null) {
                    throw failure;
                }
                next = queue.poll();
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
        return next == null ? null : parse(next);
    }

    private Inbound<R> parse(XpcMessage message) throws IOException {
        byte[] payload = message.payload();
        if (payload.length > MAX_PAYLOAD) {
            closeFd(message);
            throw new ProtocolException(where + ": XPC payload of " + payload.length + " bytes exceeds the maximum of " + MAX_PAYLOAD);
        }
        R parsed;
        try {
            parsed = parser.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            closeFd(message);
            throw new ProtocolException(where + ": garbage protobuf in an XPC payload of " + payload.length + " bytes: " + e.getMessage(), e);
        }
        if (message.fd().isEmpty()) {
            return new Inbound<>(parsed, List.of());
        }
        // Ownership moves to the receiver, as with SCM_RIGHTS on the Unix carrier.
        FileDescriptor fd = UnixSocketChannel.fileDescriptor(message.fd().get().release());
        return new Inbound<>(parsed, List.of(fd));
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
