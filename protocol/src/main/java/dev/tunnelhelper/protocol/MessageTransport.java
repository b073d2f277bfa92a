package dev.tunnelhelper.protocol;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Carries whole messages, optionally with file descriptors attached, in both directions. Every
 * implementation decodes what it receives with {@link MessageDecoder}.
 * The {@link Speaker} is written against this so the same RPC logic runs over the tunnel's
 * pipes, a Unix socket (fds as SCM_RIGHTS) or XPC.
 *
 * <p>{@link #receive} is called from one thread only; {@link #send} may be called from many
 * and implementations serialise them.
 */
public interface MessageTransport<S, R> extends Closeable {

    /** Returns the next message, or {@code null} on a clean end of stream between messages. */
    Envelope<R> receive() throws IOException;

    void send(S message, List<FileDescriptor> fds) throws IOException;

    /** Sends a message encoded once for many connections, as it is (no descriptors, no rpc ids). */
    void sendEncoded(EncodedFrame<S> frame) throws IOException;

    /**
     * Hands every later send over to {@code outbox}, whose owner writes the bytes to the socket
     * without blocking; the transport writes nothing itself from then on, so one owner orders all
     * of the connection's outgoing bytes. {@code takeSocket} gets the socket's descriptor number
     * while the transport cannot close it and returns the owner's own handle on the socket (a
     * duplicate, so the number can never name another file under the owner). Empty, and nothing
     * handed over, when this transport's sends never block (XPC queues them) or it has no socket.
     */
    default <T> Optional<T> handOverWrites(FrameOutbox<S> outbox, IntFunction<T> takeSocket) throws IOException {
        return Optional.empty();
    }

    default void send(S message) throws IOException {
        send(message, List.of());
    }
}
