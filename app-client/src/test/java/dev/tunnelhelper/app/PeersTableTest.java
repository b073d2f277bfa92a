package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PeersTableTest {
    private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");

    @Test
    void rowsShowAgeLatencyPathAndFlagStalePeers() {
        PeerView.Snapshot peers = new PeerView()
                .reset(PeerUpdate.newBuilder()
                        .addUpsertedWorkspaces(Peers.workspace("ws0", Workspace.Status.RUNNING))
                        .addUpsertedAgents(Peers.withPing(
                                Peers.agent("agent0", "ws0", "100.100.1.2", NOW.minusSeconds(12)), 7, true))
                        .addUpsertedAgents(Peers.withPing(
                                Peers.agent("agent1", "ws0", "100.100.1.3", NOW.minusSeconds(600)), 30, false))
                        .build());
        String table = PeersTable.render(peers, NOW);
        String[] lines = table.split("\n");
        assertTrue(lines[0].startsWith("WORKSPACE"), table);
        assertTrue(
                lines[1].contains("agent0")
                        && lines[1].contains("12s ago")
                        && lines[1].contains("7.0ms")
                        && lines[1].contains("p2p")
                        && lines[1].contains("agent0.ws0.me.coder")
                        && !lines[1].contains("STALE"),
                table);
        assertTrue(lines[2].contains("10m ago STALE") && lines[2].contains("relay (testbed)"), table);
        assertTrue(table.contains("1 workspace(s), 2 agent(s), 1 STALE"), table);
    }

    @Test
    void agentsOfUnknownWorkspacesAreStillListed() {
        PeerView.Snapshot peers = new PeerView()
                .reset(PeerUpdate.newBuilder()
                        .addUpsertedAgents(Peers.agent("orphan", "gone", "100.100.3.2", NOW))
                        .build());
        assertTrue(PeersTable.render(peers, NOW).contains("(unknown)"));
    }

    @Test
    void agesReadNaturally() {
        assertEquals("0s ago", AgentFacts.ago(Duration.ZERO));
        assertEquals("59s ago", AgentFacts.ago(Duration.ofSeconds(59)));
        assertEquals("2m ago", AgentFacts.ago(Duration.ofSeconds(150)));
        assertEquals("3h ago", AgentFacts.ago(Duration.ofHours(3)));
        assertEquals("2d ago", AgentFacts.ago(Duration.ofDays(2)));
    }
}
