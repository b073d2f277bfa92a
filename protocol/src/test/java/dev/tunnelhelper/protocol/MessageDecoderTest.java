package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The decoding stage every carrier shares: what a stream carrier reads from a frame and what a
 * message carrier (XPC) hands over whole must pass the same size rule and parse, with the same
 * errors. The frame codec's own rules (prefix, truncation, bounded allocation) are in
 * {@link FrameCodecTest}.
 */
class MessageDecoderTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    private final MessageDecoder<TunnelMessage> decoder =
            new MessageDecoder<>(TunnelMessage.parser(), new FrameCodec(1024));

    private static TunnelMessage log(String text) {
        return TunnelMessage.newBuilder()
                .setLog(Log.newBuilder().setMessage(text))
                .build();
    }

    private static byte[] framed(byte[] payload) throws IOException {
        var out = new ByteArrayOutputStream();
        new FrameCodec().writeFrame(out, payload);
        return out.toByteArray();
    }

    @Test
    void aFramedMessageAndTheSamePayloadHandedOverWholeDecodeAlike() throws IOException {
        byte[] payload = log("hello").toByteArray();
        assertEquals(log("hello"), decoder.read(new ByteArrayInputStream(framed(payload))));
        assertEquals(log("hello"), decoder.decode(payload));
        assertEquals(
                TunnelMessage.getDefaultInstance(),
                decoder.decode(new byte[0]),
                "an empty payload is the default message");
    }

    @Test
    void aBytesFieldSharesThePayloadInsteadOfCopyingIt() throws IOException {
        var relayDecoder =
                new MessageDecoder<>(dev.tunnelhelper.protocol.relay.TunnelFrame.parser(), new FrameCodec(1 << 20));
        byte[] peerUpdate = new byte[256 * 1024];
        java.util.Arrays.fill(peerUpdate, (byte) 7);
        byte[] payload = dev.tunnelhelper.protocol.relay.TunnelFrame.newBuilder()
                .setPeerUpdate(com.google.protobuf.ByteString.copyFrom(peerUpdate))
                .build()
                .toByteArray();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        var frame = relayDecoder.decode(payload);
        assertTrue(
                THREADS.getCurrentThreadAllocatedBytes() - before < 64 * 1024,
                "decoding a 256 KiB bytes field allocated no copy of it");
        payload[payload.length - 1] = 9;
        assertEquals(9, frame.getPeerUpdate().byteAt(peerUpdate.length - 1), "the field is a view of the payload");
        assertEquals(7, frame.getPeerUpdate().byteAt(0));
    }

    @Test
    void aCleanEndBetweenFramesIsNoMessage() throws IOException {
        assertNull(decoder.read(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void garbageIsTheSameProtocolViolationFramedOrWhole() throws IOException {
        ProtocolException framed =
                assertThrows(ProtocolException.class, () -> decoder.read(new ByteArrayInputStream(framed(GARBAGE))));
        ProtocolException whole = assertThrows(ProtocolException.class, () -> decoder.decode(GARBAGE));
        assertTrue(framed.getMessage().startsWith("garbage protobuf in a frame of 3 bytes: "), framed.getMessage());
        assertEquals(framed.getMessage(), whole.getMessage());
    }

    @Test
    void theMaximumIsInclusiveFramedOrWhole() throws IOException {
        TunnelMessage largest = log("x".repeat(1018));
        byte[] max = largest.toByteArray();
        assertEquals(1024, max.length);
        assertEquals(largest, decoder.decode(max));
        assertEquals(largest, decoder.read(new ByteArrayInputStream(framed(max))));

        ProtocolException whole = assertThrows(ProtocolException.class, () -> decoder.decode(new byte[1025]));
        ProtocolException framed = assertThrows(
                ProtocolException.class, () -> decoder.read(new ByteArrayInputStream(new byte[] {0, 0, 0x04, 0x01})));
        assertEquals("frame of 1025 bytes exceeds the maximum of 1024 bytes", whole.getMessage());
        assertEquals(whole.getMessage(), framed.getMessage());
    }

    @Test
    void aHugeAnnouncedFrameCostsNothingBeforeItIsRefused() {
        var in = new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        long before = THREADS.getCurrentThreadAllocatedBytes();
        assertThrows(ProtocolException.class, () -> decoder.read(in));
        assertTrue(THREADS.getCurrentThreadAllocatedBytes() - before < 1 << 20, "allocated for a refused frame");
    }
}
