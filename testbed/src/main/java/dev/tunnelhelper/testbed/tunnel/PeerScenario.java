package dev.tunnelhelper.testbed.tunnel;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.LastPing;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The peers the reference tunnel publishes: N workspaces with M agents each, then deltas over
 * time — handshakes refreshed every tick, pings filled, a workspace's status flipping every 3rd
 * tick and an extra agent appearing and disappearing every 5th. Deterministic, so tests can
 * predict ids, names and addresses.
 */
public final class PeerScenario {
    private final TunnelSettings settings;
    private final Map<ByteString, Workspace> workspaces = new LinkedHashMap<>();
    private final Map<ByteString, Agent> agents = new LinkedHashMap<>();
    private long ticks;
    private Agent extra;

    public PeerScenario(TunnelSettings settings, Instant now) {
        this.settings = settings;
        for (int w = 0; w < settings.workspaces(); w++) {
            Workspace ws = Workspace.newBuilder()
                    .setId(uuid("workspace-" + w))
                    .setName(workspaceName(w))
                    .setStatus(Workspace.Status.RUNNING)
                    .build();
            workspaces.put(ws.getId(), ws);
            for (int a = 0; a < settings.agentsPerWorkspace(); a++) {
                Agent agent = agent(w, a, "agent" + a, now);
                agents.put(agent.getId(), agent);
            }
        }
    }

    public static String workspaceName(int w) {
        return "ws" + w;
    }

    /** {@code <subnet>.<w+1>.<a+2>}: inside the tunnel range, never the tunnel's own {@code .0.1}. */
    public static String agentAddress(TunnelSettings settings, int w, int a) {
        return settings.subnet() + "." + (w + 1) + "." + (a + 2);
    }

    public static ByteString uuid(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return ByteString.copyFrom(ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits())
                .array());
    }

    /** Full state: only the upserted lists are filled. */
    public synchronized PeerUpdate fullState() {
        return PeerUpdate.newBuilder()
                .addAllUpsertedWorkspaces(workspaces.values())
                .addAllUpsertedAgents(agents.values())
                .build();
    }

    /** Addresses that answer pings right now. */
    public synchronized Set<String> agentAddresses() {
        return agents.values().stream()
                .flatMap(a -> a.getIpAddrsList().stream())
                .collect(Collectors.toSet());
    }

    /** Advances the scenario by one step and returns what changed. */
    public synchronized PeerUpdate tick(Instant now) {
        ticks++;
        PeerUpdate.Builder delta = PeerUpdate.newBuilder();
        if (ticks % 3 == 0 && !workspaces.isEmpty()) {
            Workspace last = workspaces.values().stream().reduce((a, b) -> b).orElseThrow();
            Workspace flipped = last.toBuilder()
                    .setStatus(
                            last.getStatus() == Workspace.Status.RUNNING
                                    ? Workspace.Status.STOPPING
                                    : Workspace.Status.RUNNING)
                    .build();
            workspaces.put(flipped.getId(), flipped);
            delta.addUpsertedWorkspaces(flipped);
        }
        if (ticks % 5 == 0 && !workspaces.isEmpty()) {
            if (extra == null) {
                extra = agent(0, settings.agentsPerWorkspace(), "extra", now);
                agents.put(extra.getId(), extra);
            } else {
                agents.remove(extra.getId());
                delta.addDeletedAgents(extra);
                extra = null;
            }
        }
        for (Map.Entry<ByteString, Agent> e : agents.entrySet()) {
            Agent refreshed = e.getValue().toBuilder()
                    .setLastHandshake(timestamp(now))
                    .setLastPing(ping())
                    .build();
            e.setValue(refreshed);
            delta.addUpsertedAgents(refreshed);
        }
        return delta.build();
    }

    private Agent agent(int w, int a, String name, Instant now) {
        String ws = workspaceName(w);
        return Agent.newBuilder()
                .setId(uuid("agent-" + w + "-" + name))
                .setName(name)
                .setWorkspaceId(uuid("workspace-" + w))
                .addFqdn(name + "." + ws + ".me." + settings.matchDomain())
                .addIpAddrs(agentAddress(settings, w, a))
                .setLastHandshake(timestamp(now))
                .build();
    }

    private LastPing ping() {
        boolean p2p = ticks % 2 == 0;
        return LastPing.newBuilder()
                .setLatency(Duration.newBuilder().setNanos((int) (1_000_000 * (5 + ticks % 7))))
                .setDidP2P(p2p)
                .setPreferredDerp("testbed")
                .setPreferredDerpLatency(Duration.newBuilder().setNanos(20_000_000))
                .build();
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder()
                .setSeconds(t.getEpochSecond())
                .setNanos(t.getNano())
                .build();
    }
}
