package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.vpn.ClientMessage;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.ServiceMessage;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every message kind of the protocol survives framing over a real pipe and an RPC through the speaker. */
class MessageRoundTripTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void everyMessageKindRoundTripsThroughTheCodecOverAPipe() throws Exception {
        assertRoundTrip(SampleMessages.managerMessages(), ManagerMessage.parser());
        assertRoundTrip(SampleMessages.tunnelMessages(), TunnelMessage.parser());
        assertRoundTrip(SampleMessages.clientMessages(), ClientMessage.parser());
        assertRoundTrip(SampleMessages.serviceMessages(), ServiceMessage.parser());
    }

    @Test
    void everyMessageKindRoundTripsThroughSpeakersInBothDirections() throws Exception {
        try (PipePair pipes = PipePair.open()) {
            var fromManager = new LinkedBlockingQueue<ManagerMessage>();
            var fromTunnel = new LinkedBlockingQueue<TunnelMessage>();
            var protocol = new TunnelProtocol();
            // The tunnel echoes each manager request back as a reply, so every kind is both a request and a reply.
            var tunnelSide = CompletableFuture.supplyAsync(() ->
                    connect(() -> protocol.connectAsTunnel(pipes.right.in(), pipes.right.out(), pipes.right, in -> {
                        fromManager.add(in.message());
                        if (in.isRequest()) {
                            in.reply(TunnelMessage.newBuilder()
                                    .setStop(dev.tunnelhelper.protocol.vpn.StopResponse.newBuilder()
                                            .setErrorMessage(
                                                    in.message().getMsgCase().name()))
                                    .build());
                        }
                    })));
            var manager = protocol.connectAsManager(pipes.left.in(), pipes.left.out(), pipes.left, in -> {
                fromTunnel.add(in.message());
                if (in.isRequest()) {
                    in.reply(ManagerMessage.newBuilder()
                            .setNetworkSettings(dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse.newBuilder()
                                    .setErrorMessage(in.message().getMsgCase().name()))
                            .build());
                }
            });
            var tunnel = tunnelSide.get();
            assertEquals(new ProtocolVersion(1, 3), manager.version());

            for (ManagerMessage m : SampleMessages.managerMessages()) {
                TunnelMessage reply = manager.call(m, TIMEOUT);
                assertEquals(m.getMsgCase().name(), reply.getStop().getErrorMessage());
                ManagerMessage received = fromManager.poll(5, TimeUnit.SECONDS);
                assertEquals(m, received.toBuilder().clearRpc().build());
                assertTrue(received.getRpc().getMsgId() > 0);
            }
            for (TunnelMessage t : SampleMessages.tunnelMessages()) {
                ManagerMessage reply = tunnel.call(t, TIMEOUT);
                assertEquals(t.getMsgCase().name(), reply.getNetworkSettings().getErrorMessage());
                assertEquals(
                        t,
                        fromTunnel.poll(5, TimeUnit.SECONDS).toBuilder()
                                .clearRpc()
                                .build());
            }
            for (TunnelMessage t : SampleMessages.tunnelMessages()) {
                tunnel.send(t);
                TunnelMessage received = fromTunnel.poll(5, TimeUnit.SECONDS);
                assertEquals(t, received);
                assertEquals(false, received.hasRpc(), "one-way messages carry no rpc");
            }
            manager.close();
            tunnel.closeFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private static <M extends MessageLite> void assertRoundTrip(List<M> messages, Parser<M> parser) throws Exception {
        try (PipePair pipes = PipePair.open()) {
            var sender =
                    new StreamTransport<M, M>(pipes.left.in(), pipes.left.out(), pipes.left, parser, new FrameCodec());
            var receiver = new StreamTransport<M, M>(
                    pipes.right.in(), pipes.right.out(), pipes.right, parser, new FrameCodec());
            var writer = CompletableFuture.runAsync(() -> {
                try {
                    for (M m : messages) {
                        sender.send(m);
                    }
                    pipes.left.sink().close();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            List<M> received = new ArrayList<>();
            Envelope<M> in;
            while ((in = receiver.receive()) != null) {
                received.add(in.message());
            }
            writer.get();
            assertEquals(messages, received);
        }
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    static <T> T connect(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
