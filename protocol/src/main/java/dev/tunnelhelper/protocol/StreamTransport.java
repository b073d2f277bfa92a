package dev.tunnelhelper.protocol;

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
    private final MessageDecoder<R> decoder;
    private final FrameCodec codec;
    private final Object writeLock = new Object();

    /**
     * @param closer releases both streams; closing must unblock a reader blocked in {@code in.read}.
     */
    public StreamTransport(InputStream in, OutputStream out, Closeable closer, Parser<R> parser, FrameCodec codec) {
        this.in = in;
        this.out = out;
        this.closer = closer;
        this.decoder = new MessageDecoder<>(parser, codec);
        this.codec = codec;
    }

    @Override
    public Envelope<R> receive() throws IOException {
        R message = decoder.read(in);
        return message == null ? null : Envelope.of(message);
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
    public void sendEncoded(EncodedFrame<S> frame) throws IOException {
        synchronized (writeLock) {
            frame.writeTo(out);
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }
}
