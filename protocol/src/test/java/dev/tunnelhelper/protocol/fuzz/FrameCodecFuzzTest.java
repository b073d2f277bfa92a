package dev.tunnelhelper.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.TruncatedFrameException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Whatever bytes a tunnel or a client sends, the frame codec either reads well-formed frames
 * that re-encode to exactly those bytes, or fails with one of its two errors at the first bad
 * frame, never allocating for an announced length above the maximum. Reads are cut into
 * fuzzer-chosen short pieces, as pipes and sockets deliver them.
 */
class FrameCodecFuzzTest {
    /** Small enough that the fuzzer reaches the limit; the rule is the same at 16 MiB. */
    private static final int MAX = 1024;

    @FuzzTest
    void anyByteStreamIsReadAsWholeFramesOrRefusedAtTheFirstBadOne(FuzzedDataProvider data) throws IOException {
        int piece = data.consumeInt(1, 64);
        byte[] wire = data.consumeRemainingAsBytes();
        FrameCodec codec = new FrameCodec(MAX);
        InputStream in = new ShortReads(wire, piece);
        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        try {
            byte[] payload;
            while ((payload = codec.readFrame(in)) != null) {
                assertTrue(payload.length <= MAX, "a frame above the maximum was returned");
                codec.writeFrame(reencoded, payload);
            }
            assertArrayEquals(wire, reencoded.toByteArray(), "the frames read must be exactly the bytes sent");
        } catch (TruncatedFrameException e) {
            byte[] good = reencoded.toByteArray();
            assertArrayEquals(good, Arrays.copyOf(wire, good.length), "frames before the truncation are intact");
            assertTrue(wire.length > good.length, "truncated, yet every byte was consumed as whole frames");
            int rest = wire.length - good.length;
            assertTrue(
                    rest < 4 || rest < 4 + announcedLength(wire, good.length),
                    "a frame whose bytes all arrived was called truncated");
        } catch (ProtocolException e) {
            byte[] good = reencoded.toByteArray();
            assertArrayEquals(good, Arrays.copyOf(wire, good.length), "frames before the oversized one are intact");
            assertTrue(
                    announcedLength(wire, good.length) > MAX, "refused a frame within the maximum: " + e.getMessage());
        }
    }

    private static long announcedLength(byte[] wire, int at) {
        return ((wire[at] & 0xffL) << 24)
                | ((wire[at + 1] & 0xff) << 16)
                | ((wire[at + 2] & 0xff) << 8)
                | (wire[at + 3] & 0xff);
    }

    /** Delivers at most {@code piece} bytes per read, and counts nothing it has not delivered. */
    private static final class ShortReads extends InputStream {
        private final byte[] bytes;
        private final int piece;
        private int position;

        ShortReads(byte[] bytes, int piece) {
            this.bytes = bytes;
            this.piece = piece;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, piece), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }

    @FuzzTest
    void aFrameWrittenIsReadBackUnchanged(byte[] payload) throws IOException {
        FrameCodec codec = new FrameCodec(MAX);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            codec.writeFrame(out, payload);
        } catch (ProtocolException e) {
            assertTrue(payload.length > MAX, "refused to send a frame within the maximum");
            assertEquals(0, out.size(), "a refused frame must not be partly written");
            return;
        }
        assertArrayEquals(payload, codec.readFrame(new java.io.ByteArrayInputStream(out.toByteArray())));
    }
}
