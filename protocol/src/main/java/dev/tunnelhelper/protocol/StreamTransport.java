package dev.tunnelhelper.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Protobuf messages in length-prefixed frames over a byte stream pair (the tunnel's two pipes).
 * Byte streams cannot carry file descriptors.
 */
public final class StreamTransport<S extends MessageLite, R> implements MessageTransport<S, R> {
    private final InputStream in;
    private final OutputStream out;
    private final Closeable closer;
    private final Parser<R> parser;
    private final FrameCodec codec;
    private final Object writeLock = new Object();

    /**
     * @param closer releases both streams; closing must unblock a reader blocked in {@code in.read}.
     */
    public StreamTransport(InputStream in, OutputStream out, Closeable closer, Parser<R> parser, FrameCodec codec) {
        this.in = in;
        this.out = out;
        this.closer = closer;
        this.parser = parser;
        this.codec = codec;
    }

    @Override
    public Inbound<R> receive() throws IOException {
        byte[] payload = codec.readFrame(in);
        if (payload == null) {
            return null;
        }
        try {
            return Inbound.of(parser.parseFrom(payload));
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException("garbage protobuf in a frame of " + payload.length + " bytes: " + e.getMessage(), e);
        }
    }

    @Override
    public void send(S message, List<FileDescriptor> fds) throws IOException {
        if (!fds.isEmpty()) {
            throw new IllegalArgumentException("a byte-stream transport cannot carry file descriptors");
        }
        byte[] frame = codec.encode(message);
        synchronized (writeLock) {
            out.write(frame);
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }
}
