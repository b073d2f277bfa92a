package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A push encoded once and written as it is to every connection that gets it. */
@Timeout(60)
class EncodedFrameTest {
    private static final ProtocolVersion V13 = new ProtocolVersion(1, 3);
    private final FrameCodec codec = new FrameCodec();

    private static TunnelMessage log(String text) {
        return TunnelMessage.newBuilder()
                .setLog(Log.newBuilder().setMessage(text))
                .build();
    }

    @Test
    void aMessageEncodedOnceIsExactlyTheFrameTheCodecWritesForIt() throws IOException {
        TunnelMessage message = log("one update for every subscriber");
        EncodedFrame<TunnelMessage> frame = EncodedFrame.of(message, codec);
        byte[] expected = codec.encode(message);

        var out = new ByteArrayOutputStream();
        frame.writeTo(out);
        assertArrayEquals(expected, out.toByteArray(), "length prefix and payload, as the codec frames it");
        assertEquals(expected.length, frame.size());
        assertEquals(
                message,
                new MessageDecoder<>(TunnelMessage.parser(), codec).decode(frame.payload()),
                "the payload alone is the message, for carriers that frame it themselves");
    }

    @Test
    void thePayloadIsACopySoNoCarrierCanChangeWhatTheOthersWrite() throws IOException {
        EncodedFrame<TunnelMessage> frame = EncodedFrame.of(log("shared"), codec);
        Arrays.fill(frame.payload(), (byte) 0);
        var out = new ByteArrayOutputStream();
        frame.writeTo(out);
        assertArrayEquals(codec.encode(log("shared")), out.toByteArray());
    }

    @Test
    void oneFrameReachesEverySpeakerItIsSentOnAndAClosedSpeakerRefusesIt() throws Exception {
        try (PipePair first = PipePair.open();
                PipePair second = PipePair.open()) {
            var a = tunnelSide(first);
            var b = tunnelSide(second);
            EncodedFrame<TunnelMessage> frame = EncodedFrame.of(log("to all"), codec);
            a.sendEncoded(frame);
            b.sendEncoded(frame);
            assertEquals(log("to all"), managerSide(first).receive().message());
            assertEquals(log("to all"), managerSide(second).receive().message());

            a.close();
            SpeakerClosedException e = assertThrows(SpeakerClosedException.class, () -> a.sendEncoded(frame));
            assertEquals("speaker manager is closed", e.getMessage());
            b.close();
        }
    }

    private Speaker<TunnelMessage, ManagerMessage> tunnelSide(PipePair pipes) {
        var transport = new StreamTransport<TunnelMessage, ManagerMessage>(
                pipes.left.in(), pipes.left.out(), pipes.left, ManagerMessage.parser(), codec);
        return Speaker.start("manager", transport, VpnRpc.TUNNEL, V13, in -> {});
    }

    private StreamTransport<ManagerMessage, TunnelMessage> managerSide(PipePair pipes) {
        return new StreamTransport<>(pipes.right.in(), pipes.right.out(), pipes.right, TunnelMessage.parser(), codec);
    }
}
