package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final FrameCodec codec = new FrameCodec();

    @Test
    void framesCarryAFourByteBigEndianLengthThenThePayload() throws IOException {
        var out = new ByteArrayOutputStream();
        codec.writeFrame(out, new byte[] {7, 8, 9});
        assertArrayEquals(new byte[] {0, 0, 0, 3, 7, 8, 9}, out.toByteArray());

        byte[] big = new byte[0x010203];
        out.reset();
        codec.writeFrame(out, big);
        byte[] prefix = java.util.Arrays.copyOf(out.toByteArray(), 4);
        assertArrayEquals(new byte[] {0, 1, 2, 3}, prefix);
    }

    @Test
    void payloadsRoundTripThroughARealPipeIncludingZeroLength() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            byte[][] payloads = {
                new byte[0],
                "x".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                randomBytes(70_000),
                randomBytes(300)
            };
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (byte[] p : payloads) {
                        codec.writeFrame(pipes.left.out(), p);
                    }
                    pipes.left.sink().close();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            for (byte[] expected : payloads) {
                assertArrayEquals(expected, codec.readFrame(pipes.right.in()));
            }
            assertNull(codec.readFrame(pipes.right.in()), "clean EOF between frames reads as null");
            writer.get();
        }
    }

    @Test
    void aFrameOfExactlyTheMaximumIsAcceptedAndOneByteMoreIsRejected() throws Exception {
        FrameCodec small = new FrameCodec(1024);
        assertEquals(1024, small.readFrame(stream(frame(1024, new byte[1024]))).length);
        ProtocolException e =
                assertThrows(ProtocolException.class, () -> small.readFrame(stream(frame(1025, new byte[1025]))));
        assertEquals("frame of 1025 bytes exceeds the maximum of 1024 bytes", e.getMessage());
    }

    @Test
    void theDefaultMaximumIsSixteenMebibytes() throws Exception {
        assertEquals(0x1000000, codec.maxFrameSize());
        byte[] max = randomBytes(0x1000000);
        try (PipePair pipes = PipePair.open()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    codec.writeFrame(pipes.left.out(), max);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(max, codec.readFrame(pipes.right.in()));
            writer.get();
        }
        assertThrows(ProtocolException.class, () -> codec.readFrame(stream(header(0x1000001))));
        assertThrows(ProtocolException.class, () -> codec.writeFrame(new ByteArrayOutputStream(), new byte[0x1000001]));
    }

    @Test
    void anOversizedLengthIsRejectedBeforeAnythingIsAllocatedForIt() {
        for (long announced : new long[] {Integer.MAX_VALUE, 0xFFFFFFFFL}) {
            InputStream in = stream(header(announced));
            long before = THREADS.getCurrentThreadAllocatedBytes();
            ProtocolException e = assertThrows(ProtocolException.class, () -> codec.readFrame(in));
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(e.getMessage().contains(Long.toString(announced)), e.getMessage());
            assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes for a rejected frame");
        }
    }

    @Test
    void aLargeAnnouncementBackedByFewBytesCostsOnlyWhatArrived() {
        byte[] data = frame(0x1000000, new byte[10]);
        InputStream in = stream(java.util.Arrays.copyOf(data, 14));
        long before = THREADS.getCurrentThreadAllocatedBytes();
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class, () -> codec.readFrame(in));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals("stream ended after 10 of 16777216 payload bytes", e.getMessage());
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes for a truncated frame");
    }

    @Test
    void endOfStreamInsideAFrameIsDistinguishedFromACleanEnd() throws IOException {
        assertNull(codec.readFrame(stream(new byte[0])));
        TruncatedFrameException inPrefix =
                assertThrows(TruncatedFrameException.class, () -> codec.readFrame(stream(new byte[] {0, 0})));
        assertEquals("stream ended after 2 of 4 length-prefix bytes", inPrefix.getMessage());
        TruncatedFrameException inPayload = assertThrows(
                TruncatedFrameException.class, () -> codec.readFrame(stream(new byte[] {0, 0, 0, 5, 1, 2})));
        assertEquals("stream ended after 2 of 5 payload bytes", inPayload.getMessage());
    }

    @Test
    void aMessageOverTheMaximumIsRefusedWhenEncodedSoItIsNeverSent() {
        FrameCodec small = new FrameCodec(8);
        TunnelMessage big = TunnelMessage.newBuilder()
                .setLog(Log.newBuilder().setMessage("more than eight bytes"))
                .build();
        ProtocolException e = assertThrows(ProtocolException.class, () -> small.encode(big));
        assertEquals(
                "refusing to send a frame of " + big.getSerializedSize() + " bytes: the maximum is 8", e.getMessage());
        assertThrows(ProtocolException.class, () -> EncodedFrame.of(big, small));
    }

    @Test
    void aMaximumOfZeroCarriesOnlyEmptyFramesAndANegativeMaximumIsAnError() throws IOException {
        FrameCodec emptyOnly = new FrameCodec(0);
        assertEquals(0, emptyOnly.readFrame(stream(header(0))).length);
        assertThrows(ProtocolException.class, () -> emptyOnly.readFrame(stream(frame(1, new byte[1]))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrameCodec(-1));
        assertEquals("maxFrameSize must be >= 0, got -1", e.getMessage());
    }

    private static byte[] header(long length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    private static byte[] frame(long announced, byte[] payload) {
        byte[] f = new byte[4 + payload.length];
        System.arraycopy(header(announced), 0, f, 0, 4);
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }

    private static InputStream stream(byte[] bytes) {
        return new java.io.ByteArrayInputStream(bytes);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
