package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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

    /** One table row: every column but the last padded to its widest cell plus two spaces. */
    private static String row(String... cells) {
        return String.format("%-11s%-9s%-8s%-22s%-13s%-15s%-9s%s", (Object[]) cells)
                .stripTrailing();
    }

    @Test
    void theTableAlignsEveryColumnListsEmptyWorkspacesAndOrphansAndCountsTheStale() {
        PeerView.Snapshot peers = new PeerView()
                .reset(PeerUpdate.newBuilder()
                        .addUpsertedWorkspaces(Peers.workspace("ws0", Workspace.Status.RUNNING))
                        .addUpsertedWorkspaces(Peers.workspace("idle", Workspace.Status.STOPPED))
                        .addUpsertedAgents(Peers.withPing(
                                Peers.agent("agent0", "ws0", "100.100.1.2", NOW.minusSeconds(12)), 7, true))
                        .addUpsertedAgents(Peers.withPing(
                                Peers.agent("agent1", "ws0", "100.100.1.3", NOW.minusSeconds(600)), 30, false))
                        .addUpsertedAgents(Peers.agent("orphan", "gone", "100.100.3.2", null))
                        .build());
        assertEquals(
                String.join(
                        "\n",
                        row("WORKSPACE", "STATUS", "AGENT", "FQDN", "IPS", "HANDSHAKE", "LATENCY", "PATH"),
                        row(
                                "ws0",
                                "RUNNING",
                                "agent0",
                                "agent0.ws0.me.coder",
                                "100.100.1.2",
                                "12s ago",
                                "7.0ms",
                                "p2p"),
                        row(
                                "ws0",
                                "RUNNING",
                                "agent1",
                                "agent1.ws0.me.coder",
                                "100.100.1.3",
                                "10m ago STALE",
                                "30.0ms",
                                "relay (testbed)"),
                        row("idle", "STOPPED", "-", "-", "-", "-", "-", "-"),
                        row("(unknown)", "-", "orphan", "orphan.gone.me.coder", "100.100.3.2", "never STALE", "-", "-"),
                        "2 workspace(s), 3 agent(s), 2 STALE (no handshake for 5 minutes)",
                        ""),
                PeersTable.render(peers, NOW));
    }

    @Test
    void withoutStalePeersTheSummaryStopsAtTheCounts() {
        PeerView.Snapshot peers = new PeerView()
                .reset(PeerUpdate.newBuilder()
                        .addUpsertedAgents(Peers.agent("fresh", "gone", "100.100.3.2", NOW.minusSeconds(299)))
                        .build());
        String[] lines = PeersTable.render(peers, NOW).split("\n");
        assertEquals("0 workspace(s), 1 agent(s)", lines[lines.length - 1]);
    }

    @Test
    void eachUnitOfAgeStartsExactlyWhereTheSmallerOneEnds() {
        assertEquals("1m ago", AgentFacts.ago(Duration.ofSeconds(60)));
        assertEquals("59m ago", AgentFacts.ago(Duration.ofSeconds(3599)));
        assertEquals("1h ago", AgentFacts.ago(Duration.ofHours(1)));
        assertEquals("23h ago", AgentFacts.ago(Duration.ofSeconds(86_399)));
        assertEquals("1d ago", AgentFacts.ago(Duration.ofDays(1)));
    }

    @Test
    void aPeerIsStaleFromFiveMinutesWithoutAHandshakeOrWithNoneAtAll() {
        Agent justFresh = Peers.agent(
                "a", "ws0", "100.100.1.2", NOW.minus(AgentFacts.STALE_AFTER).plusSeconds(1));
        Agent justStale = Peers.agent("b", "ws0", "100.100.1.3", NOW.minus(AgentFacts.STALE_AFTER));
        Agent zeroTimestamp = Peers.agent("c", "ws0", "100.100.1.4", Instant.EPOCH);
        assertFalse(AgentFacts.of(justFresh, NOW).stale());
        assertTrue(AgentFacts.of(justStale, NOW).stale());
        AgentFacts never = AgentFacts.of(zeroTimestamp, NOW);
        assertTrue(never.stale(), "a zero timestamp is no handshake");
        assertEquals(Optional.empty(), never.lastHandshake());
    }

    @Test
    void aHandshakeAheadOfOurClockIsZeroSecondsOld() {
        AgentFacts f = AgentFacts.of(Peers.agent("a", "ws0", "100.100.1.2", NOW.plusSeconds(30)), NOW);
        assertEquals(Optional.of(Duration.ZERO), f.handshakeAge());
        assertFalse(f.stale());
    }
}
