package dev.tunnelhelper.protocol.endpoint;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.FrameOutbox;
import dev.tunnelhelper.protocol.MessageDecoder;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

/**
 * The Unix-socket carrier: length-prefixed protobuf frames on a stream socket, file descriptors
 * as {@code SCM_RIGHTS} sent with a frame's first byte, and the peer's kernel credentials
 * ({@code SO_PEERCRED}) taken once, when the channel is created.
 *
 * <p>Descriptors: junixsocket's own receiving is switched off (its ancillary buffer is 0 bytes),
 * so the kernel discards any descriptor sent along with bytes this channel reads: hello lines,
 * anything inside a frame, anything on a channel that takes none. Only a channel given a
 * {@link DescriptorReceiver} accepts them, and only on the read that takes a frame's first bytes.
 * (junixsocket caps its buffer at 256 bytes and, when a peer sends more descriptors than fit,
 * throws without handing over the ones the kernel already installed: they would stay open in
 * this process for good.)
 */
public final class UnixSocketChannel<S extends MessageLite, R> implements Channel<S, R> {
    /** More descriptors than any message of ours carries; extra ones are a protocol violation. */
    public static final int MAX_FDS_PER_MESSAGE = 4;

    private static final int LENGTH_PREFIX = 4;

    /**
     * Reads the first bytes of a frame with the descriptors sent along with them, directly from
     * the socket: one {@code recvmsg} into room for more descriptors than a message can carry.
     */
    @FunctionalInterface
    public interface DescriptorReceiver {
        /**
         * Reads up to {@code len} bytes into {@code buf} and appends the descriptors that came with
         * them to {@code fds} (which the caller then owns).
         *
         * @return the number of bytes read; 0 at end of stream
         * @throws ProtocolException more than {@link #MAX_FDS_PER_MESSAGE} descriptors came with the
         *         bytes (all of them already closed)
         */
        int read(int socketFd, byte[] buf, int len, List<FileDescriptor> fds) throws IOException;
    }

    private final AFUNIXSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MessageDecoder<R> decoder;
    private final FrameCodec codec;
    private final DescriptorReceiver receiver;
    private final PeerIdentity peer;
    private final String describe;
    private final Object writeLock = new Object();
    /** Once set, the owner of every outgoing byte ({@link #handOverWrites}); guarded by writeLock. */
    private FrameOutbox<S> outbox;
    /** Held while the socket's descriptor number is handed out, so it is not closed and reused meanwhile. */
    private final Object closeLock = new Object();
    /** Guarded by closeLock. */
    private boolean closed;

    private UnixSocketChannel(
            AFUNIXSocket socket, Parser<R> parser, FrameCodec codec, String where, DescriptorReceiver receiver)
            throws IOException {
        this.socket = socket;
        this.decoder = new MessageDecoder<>(parser, codec);
        this.codec = codec;
        this.receiver = receiver;
        socket.setAncillaryReceiveBufferSize(0);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.peer = identity(socket.getPeerCredentials());
        this.describe = "unix:" + where + " " + peer;
    }

    /** The peer as the kernel reported it ({@code SO_PEERCRED}). */
    public static PeerIdentity identity(AFUNIXSocketCredentials creds) {
        List<Long> gids = new ArrayList<>();
        if (creds.getGids() != null) {
            for (long g : creds.getGids()) {
                gids.add(g);
            }
        }
        return new PeerIdentity(creds.getUid(), creds.getGid(), creds.getPid(), gids);
    }

    /** Wraps a connected (e.g. accepted) socket whose peer sends no descriptors: any it sends are discarded. */
    public static <S extends MessageLite, R> UnixSocketChannel<S, R> wrap(
            AFUNIXSocket socket, Parser<R> parser, FrameCodec codec, String where) throws IOException {
        return new UnixSocketChannel<>(socket, parser, codec, where, null);
    }

    /** Wraps a connected socket whose frames may carry descriptors, received through {@code receiver}. */
    public static <S extends MessageLite, R> UnixSocketChannel<S, R> wrap(
            AFUNIXSocket socket, Parser<R> parser, FrameCodec codec, String where, DescriptorReceiver receiver)
            throws IOException {
        return new UnixSocketChannel<>(socket, parser, codec, where, receiver);
    }

    /** Connects to {@code path} within {@code timeout}; nothing is sent yet. Descriptors from the other side are discarded. */
    public static <S extends MessageLite, R> UnixSocketChannel<S, R> connect(
            Path path, Duration timeout, Parser<R> parser, FrameCodec codec) throws IOException {
        AFUNIXSocket socket = AFUNIXSocket.newInstance();
        try {
            socket.connect(AFUNIXSocketAddress.of(path), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new UnixSocketChannel<>(socket, parser, codec, path.toString(), null);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The raw streams, for the line handshake that precedes the frames. */
    public InputStream rawInput() {
        return in;
    }

    public OutputStream rawOutput() {
        return out;
    }

    @Override
    public Envelope<R> receive() throws IOException {
        if (receiver == null) {
            R message = decoder.read(in);
            return message == null ? null : Envelope.of(message);
        }
        List<FileDescriptor> fds = new ArrayList<>();
        byte[] first = new byte[LENGTH_PREFIX];
        int n = receiver.read(socketFd(), first, LENGTH_PREFIX, fds);
        if (n == 0) {
            return null;
        }
        try {
            // Not null: at least one byte of the frame is already here.
            return new Envelope<>(
                    decoder.read(new SequenceInputStream(new ByteArrayInputStream(first, 0, n), in)), fds);
        } catch (IOException | RuntimeException e) {
            FileDescriptors.closeQuietly(fds);
            throw e;
        }
    }

    private int socketFd() throws IOException {
        return FileDescriptors.number(socket.getFileDescriptor());
    }

    @Override
    public <T> Optional<T> handOverWrites(FrameOutbox<S> outbox, IntFunction<T> takeSocket) throws IOException {
        synchronized (writeLock) {
            if (this.outbox != null) {
                throw new IllegalStateException(describe + ": writes were handed over already");
            }
            T handle;
            synchronized (closeLock) {
                if (closed) {
                    throw new SocketException(describe + " is closed");
                }
                handle = takeSocket.apply(socketFd());
            }
            this.outbox = outbox;
            return Optional.of(handle);
        }
    }

    @Override
    public void send(S message, List<FileDescriptor> fds) throws IOException {
        EncodedFrame<S> frame = EncodedFrame.of(message, codec);
        synchronized (writeLock) {
            if (outbox != null) {
                if (!fds.isEmpty()) {
                    throw new IllegalStateException(describe + ": descriptors cannot follow handed-over writes");
                }
                outbox.add(frame);
                return;
            }
            if (!fds.isEmpty()) {
                // Attached to the next write: the frame's first byte carries them.
                socket.setOutboundFileDescriptors(fds.toArray(new FileDescriptor[0]));
            }
            frame.writeTo(out);
            out.flush();
        }
    }

    @Override
    public void sendEncoded(EncodedFrame<S> frame) throws IOException {
        synchronized (writeLock) {
            if (outbox != null) {
                outbox.add(frame);
                return;
            }
            frame.writeTo(out);
            out.flush();
        }
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() throws IOException {
        synchronized (closeLock) {
            closed = true;
            closeSocket();
        }
    }

    private void closeSocket() throws IOException {
        try {
            // A reader blocked in a DescriptorReceiver's recvmsg is not woken by close(2) alone.
            socket.shutdownInput();
        } catch (IOException e) {
            // not connected any more: nothing to wake
        }
        socket.close();
    }
}
