package dev.tunnelhelper.protocol.endpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Inbound;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.ProtocolException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The Unix-socket carrier: length-prefixed protobuf frames on a stream socket, file descriptors
 * as {@code SCM_RIGHTS} sent with a frame's first byte, and the peer's kernel credentials
 * ({@code SO_PEERCRED}) taken once, when the channel is created.
 */
public final class UnixSocketChannel<S extends MessageLite, R> implements Channel<S, R> {
    /** More descriptors than any message of ours carries; extra ones are a protocol violation. */
    public static final int MAX_FDS_PER_MESSAGE = 4;
    private static final int ANCILLARY_BUFFER = 256;

    private final AFUNIXSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Parser<R> parser;
    private final FrameCodec codec;
    private final PeerIdentity peer;
    private final String describe;
    private final Object writeLock = new Object();

    private UnixSocketChannel(AFUNIXSocket socket, Parser<R> parser, FrameCodec codec, String where) throws IOException {
        this.socket = socket;
        this.parser = parser;
        this.codec = codec;
        socket.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        AFUNIXSocketCredentials creds = socket.getPeerCredentials();
        List<Long> gids = new ArrayList<>();
        if (creds.getGids() != null) {
            for (long g : creds.getGids()) {
                gids.add(g);
            }
        }
        this.peer = new PeerIdentity(creds.getUid(), creds.getGid(), creds.getPid(), gids);
        this.describe = "unix:" + where + " " + peer;
    }

    /** Wraps a connected (e.g. accepted) socket. */
    public static <S extends MessageLite, R> UnixSocketChannel<S, R> wrap(AFUNIXSocket socket, Parser<R> parser, FrameCodec codec, String where)
            throws IOException {
        return new UnixSocketChannel<>(socket, parser, codec, where);
    }

    /** Connects to {@code path} within {@code timeout}. */
    public static <S extends MessageLite, R> UnixSocketChannel<S, R> connect(Path path, Duration timeout, Parser<R> parser, FrameCodec codec)
            throws IOException {
        AFUNIXSocket socket = AFUNIXSocket.newInstance();
        try {
            socket.connect(AFUNIXSocketAddress.of(path), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new UnixSocketChannel<>(socket, parser, codec, path.toString());
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
    public Inbound<R> receive() throws IOException {
        byte[] payload = codec.readFrame(in);
        List<FileDescriptor> fds = takeReceivedFds();
        if (payload == null) {
            FileDescriptors.closeQuietly(fds);
            return null;
        }
        try {
            return new Inbound<>(parser.parseFrom(payload), fds);
        } catch (InvalidProtocolBufferException e) {
            FileDescriptors.closeQuietly(fds);
            throw new ProtocolException("garbage protobuf in a frame of " + payload.length + " bytes: " + e.getMessage(), e);
        }
    }

    private List<FileDescriptor> takeReceivedFds() throws IOException {
        FileDescriptor[] received = socket.getReceivedFileDescriptors();
        if (received == null || received.length == 0) {
            return List.of();
        }
        List<FileDescriptor> fds = Arrays.asList(received);
        if (fds.size() > MAX_FDS_PER_MESSAGE) {
            FileDescriptors.closeQuietly(fds);
            throw new ProtocolException(fds.size() + " file descriptors attached to one message; at most " + MAX_FDS_PER_MESSAGE);
        }
        return fds;
    }

    @Override
    public void send(S message, List<FileDescriptor> fds) throws IOException {
        byte[] frame = codec.encode(message);
        synchronized (writeLock) {
            if (!fds.isEmpty()) {
                // Attached to the next write: the frame's first byte carries them.
                socket.setOutboundFileDescriptors(fds.toArray(new FileDescriptor[0]));
            }
            out.write(frame);
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
        socket.close();
    }

    /**
     * Ends a conversation we refuse after having told the peer why. A plain close with the
     * peer's unread bytes still queued makes the kernel reset the connection (ECONNRESET), and
     * the peer may lose our last frame; so: half-close (the peer reads our frame, then end of
     * stream), discard what the peer already sent for at most {@code linger} or 64 KiB, close.
     */
    public void closeGracefully(Duration linger) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout((int) Math.max(1, linger.toMillis()));
            byte[] sink = new byte[4096];
            long deadline = System.nanoTime() + linger.toNanos();
            int discarded = 0;
            while (discarded < 64 * 1024 && System.nanoTime() < deadline) {
                int n = in.read(sink);
                if (n < 0) {
                    break;
                }
                discarded += n;
            }
        } catch (IOException e) {
            // timed out or the peer is gone: either way, nothing more to wait for
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** The number behind a received descriptor, e.g. to hand it to a child process. */
    public static int fdNumber(FileDescriptor fd) throws IOException {
        return FileDescriptorCast.using(fd).as(Integer.class);
    }

    /** A {@link FileDescriptor} for a raw number, to attach it to a message. */
    public static FileDescriptor fileDescriptor(int fd) throws IOException {
        return FileDescriptorCast.unsafeUsing(fd).getFileDescriptor();
    }
}
