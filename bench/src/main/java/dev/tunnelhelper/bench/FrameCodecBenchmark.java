package dev.tunnelhelper.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Frame encode/decode throughput for a realistic message: a peer update with N agents.
 * The baseline is protobuf's own serialise/parse of the same message without framing, so the
 * ratio shows what framing adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FrameCodecBenchmark {
    @Param({"1", "100"})
    public int agents;

    private final FrameCodec codec = new FrameCodec();
    private TunnelMessage message;
    private byte[] frame;
    private byte[] payload;

    @Setup
    public void setUp() throws IOException {
        PeerUpdate.Builder update = PeerUpdate.newBuilder();
        ByteString ws = ByteString.copyFrom(new byte[16]);
        update.addUpsertedWorkspaces(Workspace.newBuilder().setId(ws).setName("dev").setStatus(Workspace.Status.RUNNING));
        for (int i = 0; i < agents; i++) {
            update.addUpsertedAgents(Agent.newBuilder()
                    .setId(ByteString.copyFrom(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}))
                    .setWorkspaceId(ws).setName("agent-" + i).addFqdn("agent-" + i + ".dev.me.coder")
                    .addIpAddrs("100.64.0." + (i % 250 + 2))
                    .setLastHandshake(Timestamp.newBuilder().setSeconds(1_700_000_000L + i)));
        }
        message = TunnelMessage.newBuilder().setPeerUpdate(update).build();
        frame = codec.encode(message);
        payload = message.toByteArray();
    }

    @Benchmark
    public byte[] baselineProtobufSerialize() {
        return message.toByteArray();
    }

    @Benchmark
    public byte[] encodeFrame() throws IOException {
        return codec.encode(message);
    }

    @Benchmark
    public TunnelMessage baselineProtobufParse() throws IOException {
        return TunnelMessage.parseFrom(payload);
    }

    @Benchmark
    public TunnelMessage decodeFrame() throws IOException {
        return TunnelMessage.parseFrom(codec.readFrame(new ByteArrayInputStream(frame)));
    }
}
