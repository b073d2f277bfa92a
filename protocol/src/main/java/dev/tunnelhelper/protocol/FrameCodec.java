package dev.tunnelhelper.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Length-prefixed framing of the CoderVPN protocol: a 4-byte unsigned big-endian length,
 * then that many bytes of payload (docs/protocol.md §1.3). {@link MessageDecoder} turns a
 * payload into a message.
 *
 * <p>Stateless and thread-safe; callers serialise concurrent writers on one stream.
 */
public final class FrameCodec {
    /** 16 MiB, the deployed limit: a frame of exactly this length is legal, one byte more is not. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 0x100_0000;

    /** Payloads up to this size are read into an exactly-sized array; larger ones grow in chunks. */
    private static final int EAGER_ALLOCATION_LIMIT = 64 * 1024;

    private final int maxFrameSize;

    public FrameCodec() {
        this(DEFAULT_MAX_FRAME_SIZE);
    }

    public FrameCodec(int maxFrameSize) {
        if (maxFrameSize < 0) {
            throw new IllegalArgumentException("maxFrameSize must be >= 0, got " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * Reads one frame's payload.
     *
     * @return the payload, or {@code null} on a clean end of stream before the first byte of a frame
     * @throws TruncatedFrameException if the stream ends inside a frame
     * @throws ProtocolException if the announced length exceeds the maximum (nothing is allocated for it)
     */
    public byte[] readFrame(InputStream in) throws IOException {
        long length = readLength(in);
        if (length < 0) {
            return null;
        }
        checkIncoming(length);
        return readPayload(in, (int) length);
    }

    /**
     * The size rule for a received payload, whatever carried it: a frame's announced length is
     * checked before anything is allocated for it, an XPC payload once it is there.
     *
     * @throws ProtocolException if {@code length} exceeds the maximum
     */
    void checkIncoming(long length) throws ProtocolException {
        if (length > maxFrameSize) {
            throw new ProtocolException(
                    "frame of " + length + " bytes exceeds the maximum of " + maxFrameSize + " bytes");
        }
    }

    /** Writes one frame with the given payload, prefix and payload in a single write. */
    public void writeFrame(OutputStream out, byte[] payload) throws IOException {
        checkOutgoing(payload.length);
        byte[] frame = new byte[4 + payload.length];
        putLength(frame, payload.length);
        System.arraycopy(payload, 0, frame, 4, payload.length);
        out.write(frame);
        out.flush();
    }

    /** Encodes a message as a complete frame (prefix + payload). */
    public byte[] encode(MessageLite message) throws ProtocolException {
        int size = message.getSerializedSize();
        checkOutgoing(size);
        byte[] frame = new byte[4 + size];
        putLength(frame, size);
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(frame, 4, size);
            message.writeTo(coded);
            coded.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("serialising into a correctly sized array cannot fail", e);
        }
        return frame;
    }

    private void checkOutgoing(int size) throws ProtocolException {
        if (size > maxFrameSize) {
            throw new ProtocolException(
                    "refusing to send a frame of " + size + " bytes: the maximum is " + maxFrameSize);
        }
    }

    private static void putLength(byte[] frame, int length) {
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
    }

    /**
     * @return the unsigned length, or -1 on clean EOF before the first prefix byte. Read as a
     * block, not byte by byte: on the helper's fd streams every read is a poll and a syscall.
     */
    private static long readLength(InputStream in) throws IOException {
        byte[] prefix = new byte[4];
        int filled = 0;
        while (filled < 4) {
            int n = in.read(prefix, filled, 4 - filled);
            if (n < 0) {
                if (filled == 0) {
                    return -1;
                }
                throw new TruncatedFrameException("stream ended after " + filled + " of 4 length-prefix bytes");
            }
            filled += n;
        }
        return ((prefix[0] & 0xffL) << 24)
                | ((prefix[1] & 0xff) << 16)
                | ((prefix[2] & 0xff) << 8)
                | (prefix[3] & 0xff);
    }

    /**
     * Large payloads are accumulated in growing chunks so that a peer announcing a large frame
     * and then stalling or hanging up costs us only what it actually sent.
     */
    private static byte[] readPayload(InputStream in, int length) throws IOException {
        byte[] buf = new byte[Math.min(length, EAGER_ALLOCATION_LIMIT)];
        int filled = 0;
        while (filled < length) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(length, (long) buf.length * 2));
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                throw new TruncatedFrameException("stream ended after " + filled + " of " + length + " payload bytes");
            }
            filled += n;
        }
        return buf;
    }
}
