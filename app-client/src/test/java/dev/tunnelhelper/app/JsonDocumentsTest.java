package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonDocumentsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    private final HelperStatus running = HelperStatus.newBuilder()
            .setState(SessionState.SESSION_STATE_RUNNING)
            .setHelperVersion("0.1.0")
            .setTunnelProtocolVersion("1.3")
            .setAccessUrl("http://127.0.0.1:1")
            .setServerVersion("v2.24.3+testbed")
            .build();

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void statusHasFixedFieldsInFixedOrder() throws Exception {
        JsonNode n =
                JsonDocuments.MAPPER.readTree(JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.status(running)));
        assertEquals(
                List.of(
                        "state",
                        "error_message",
                        "signature_validation_disabled",
                        "helper_version",
                        "tunnel_protocol_version",
                        "access_url",
                        "server_version"),
                fieldNames(n));
        assertEquals("RUNNING", n.get("state").asText());
        assertEquals("1.3", n.get("tunnel_protocol_version").asText());
        assertFalse(n.get("signature_validation_disabled").asBoolean());
    }

    @Test
    void peersDocumentDescribesAgentsWithCanonicalUuids() throws Exception {
        Workspace ws = Peers.workspace("ws0", Workspace.Status.RUNNING);
        Agent fresh = Peers.withPing(Peers.agent("a0", "ws0", "100.100.1.2", NOW.minusSeconds(12)), 5, true);
        Agent never = Peers.agent("a1", "ws0", "100.100.1.3", null);
        PeerView.Snapshot peers = new PeerView()
                .reset(PeerUpdate.newBuilder()
                        .addUpsertedWorkspaces(ws)
                        .addUpsertedAgents(fresh)
                        .addUpsertedAgents(never)
                        .build());
        JsonNode n = JsonDocuments.MAPPER.readTree(
                JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.peers(running, peers, NOW)));

        assertEquals(List.of("time", "status", "workspaces", "agents"), fieldNames(n));
        JsonNode w = n.get("workspaces").get(0);
        assertEquals(
                UUID.fromString(w.get("id").asText()).toString(), w.get("id").asText());
        assertEquals(Uuids.format(ws.getId()), w.get("id").asText());
        assertEquals("RUNNING", w.get("status").asText());

        JsonNode a = n.get("agents").get(0);
        assertEquals(
                List.of(
                        "id",
                        "name",
                        "workspace_id",
                        "workspace_name",
                        "fqdn",
                        "ip_addrs",
                        "last_handshake",
                        "last_handshake_age_seconds",
                        "stale",
                        "latency_ms",
                        "p2p",
                        "preferred_derp"),
                fieldNames(a));
        assertEquals("ws0", a.get("workspace_name").asText());
        assertEquals(List.of("a0.ws0.me.coder"), texts(a.get("fqdn")));
        assertEquals(List.of("100.100.1.2"), texts(a.get("ip_addrs")));
        assertEquals("2026-01-01T00:09:48Z", a.get("last_handshake").asText());
        assertEquals(12, a.get("last_handshake_age_seconds").asLong());
        assertFalse(a.get("stale").asBoolean());
        assertEquals(5.0, a.get("latency_ms").asDouble());
        assertTrue(a.get("p2p").asBoolean());

        JsonNode b = n.get("agents").get(1);
        assertTrue(b.get("last_handshake").isNull());
        assertTrue(b.get("latency_ms").isNull());
        assertTrue(b.get("p2p").isNull());
        assertTrue(b.get("stale").asBoolean(), "no handshake at all is stale");
    }

    @Test
    void staleAfterFiveMinutesWithoutHandshake() {
        Agent old = Peers.agent("a0", "ws0", "100.100.1.2", NOW.minusSeconds(300));
        Agent recent = Peers.agent("a1", "ws0", "100.100.1.3", NOW.minusSeconds(299));
        assertTrue(AgentFacts.of(old, NOW).stale());
        assertFalse(AgentFacts.of(recent, NOW).stale());
    }

    @Test
    void watchEventsCarryTypeAndTimeFirst() throws Exception {
        PeerView.Snapshot empty = PeerView.Snapshot.EMPTY;
        for (var event : List.of(
                JsonDocuments.snapshotEvent(running, empty, NOW),
                JsonDocuments.statusEvent(running, NOW),
                JsonDocuments.progressEvent(
                        Progress.newBuilder()
                                .setStage(ProgressStage.PROGRESS_STAGE_DOWNLOADING)
                                .setBytesWritten(10)
                                .setBytesTotal(20)
                                .build(),
                        NOW),
                JsonDocuments.peerUpdateEvent(PeerUpdate.getDefaultInstance(), empty, NOW),
                JsonDocuments.disconnectedEvent("gone", true, NOW))) {
            String line = JsonDocuments.MAPPER.writeValueAsString(event);
            assertFalse(line.contains("\n"), "JSON Lines: one line per event");
            List<String> names = fieldNames(JsonDocuments.MAPPER.readTree(line));
            assertEquals(List.of("type", "time"), names.subList(0, 2));
        }
        JsonNode progress = JsonDocuments.progressEvent(
                Progress.newBuilder()
                        .setStage(ProgressStage.PROGRESS_STAGE_DOWNLOADING)
                        .setBytesWritten(10)
                        .setBytesTotal(20)
                        .build(),
                NOW);
        assertEquals("DOWNLOADING", progress.get("stage").asText());
        assertEquals(20, progress.get("bytes_total").asLong());
        JsonNode snapshot = JsonDocuments.snapshotEvent(running, empty, NOW);
        assertEquals(List.of("type", "time", "status", "workspaces", "agents"), fieldNames(snapshot));
    }

    @Test
    void peerUpdateEventListsTheDeltaAndTheMergedCounts() {
        Agent extra = Peers.agent("extra", "ws0", "100.100.1.4", NOW);
        PeerView view = new PeerView();
        view.reset(PeerUpdate.newBuilder()
                .addUpsertedWorkspaces(Peers.workspace("ws0", Workspace.Status.RUNNING))
                .addUpsertedAgents(extra)
                .build());
        Agent newcomer = Peers.agent("newcomer", "ws0", "100.100.1.5", NOW);
        PeerUpdate delta = PeerUpdate.newBuilder()
                .addUpsertedAgents(newcomer)
                .addDeletedAgents(extra)
                .build();
        JsonNode n = JsonDocuments.peerUpdateEvent(delta, view.apply(delta), NOW);
        assertEquals("peer_update", n.get("type").asText());
        assertEquals(1, n.get("upserted_agents").size());
        assertEquals("newcomer", n.get("upserted_agents").get(0).get("name").asText());
        assertEquals(
                "ws0",
                n.get("upserted_agents").get(0).get("workspace_name").asText(),
                "described against the merged view");
        assertEquals("extra", n.get("deleted_agents").get(0).get("name").asText());
        assertEquals(1, n.get("agent_count").asInt());
        assertEquals(1, n.get("workspace_count").asInt());
    }

    @Test
    void oddLengthIdsAreShownAsHex() {
        assertEquals("0102", Uuids.format(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2})));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
