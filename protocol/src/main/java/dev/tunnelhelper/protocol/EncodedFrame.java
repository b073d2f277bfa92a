package dev.tunnelhelper.protocol;

import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A message encoded once as a complete frame (length prefix and payload, {@link FrameCodec}), to
 * be sent as it is on any number of connections: a push shared by every subscriber costs one
 * encoding and one array however many connections write it. Immutable: nothing writes into the
 * bytes after {@link #of}, so writers on many threads may read them at once.
 *
 * @param <S> the message type, so a frame goes only where that message could
 */
@SuppressWarnings("UnusedTypeParameter") // only the compiler reads it: it keeps frames to their transports
public final class EncodedFrame<S> {
    private static final int LENGTH_PREFIX = 4;

    private final byte[] frame;
    /** The same bytes in native memory, made on first use; see {@link #direct}. */
    private ByteBuffer direct;

    private EncodedFrame(byte[] frame) {
        this.frame = frame;
    }

    /**
     * Encodes {@code message} as {@code codec} frames it.
     *
     * @throws ProtocolException if the message is larger than {@code codec}'s maximum frame size
     */
    public static <S extends MessageLite> EncodedFrame<S> of(S message, FrameCodec codec) throws ProtocolException {
        return new EncodedFrame<>(codec.encode(message));
    }

    /** Bytes on a byte stream, the 4-byte length prefix included. */
    public int size() {
        return frame.length;
    }

    /** Writes the whole frame, prefix and payload, in one write. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(frame);
    }

    /**
     * The whole frame in a direct buffer, copied once on first use and shared by every caller:
     * a writer that hands bytes to the OS from many connections' turns copies them once per push,
     * not once per write. Read-only, positioned at 0.
     */
    public synchronized ByteBuffer direct() {
        if (direct == null) {
            direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
        }
        return direct.asReadOnlyBuffer();
    }

    /** A copy of the payload alone, for a carrier that frames messages itself (XPC). */
    public byte[] payload() {
        return Arrays.copyOfRange(frame, LENGTH_PREFIX, frame.length);
    }
}
