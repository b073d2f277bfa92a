package dev.tunnelhelper.protocol;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;

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

    default void send(S message) throws IOException {
        send(message, List.of());
    }
}
