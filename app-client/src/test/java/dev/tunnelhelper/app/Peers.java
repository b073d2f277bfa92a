package dev.tunnelhelper.app;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.LastPing;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Builders for test peers with predictable ids. */
final class Peers {
    private Peers() {}

    static ByteString id(String name) {
        return Uuids.bytes(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
    }

    static Workspace workspace(String name, Workspace.Status status) {
        return Workspace.newBuilder()
                .setId(id("ws-" + name))
                .setName(name)
                .setStatus(status)
                .build();
    }

    static Agent agent(String name, String workspace, String ip, Instant handshake) {
        Agent.Builder b = Agent.newBuilder()
                .setId(id("agent-" + name))
                .setName(name)
                .setWorkspaceId(id("ws-" + workspace))
                .addFqdn(name + "." + workspace + ".me.coder")
                .addIpAddrs(ip);
        if (handshake != null) {
            b.setLastHandshake(Timestamp.newBuilder()
                    .setSeconds(handshake.getEpochSecond())
                    .setNanos(handshake.getNano()));
        }
        return b.build();
    }

    static Agent withPing(Agent a, long latencyMillis, boolean p2p) {
        return a.toBuilder()
                .setLastPing(LastPing.newBuilder()
                        .setLatency(Duration.newBuilder().setNanos((int) (latencyMillis * 1_000_000)))
                        .setDidP2P(p2p)
                        .setPreferredDerp("testbed"))
                .build();
    }
}
