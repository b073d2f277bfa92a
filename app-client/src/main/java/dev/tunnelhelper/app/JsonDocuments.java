package dev.tunnelhelper.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.time.Instant;
import java.util.List;

/**
 * The {@code --json} output: stable field names in snake_case, fixed field order, UUIDs as
 * canonical strings, times as ISO-8601 UTC, absent values as {@code null}. Documented in
 * docs/operations.md; scripts rely on it, so fields are only ever added, never renamed.
 */
public final class JsonDocuments {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonDocuments() {}

    public static ObjectNode status(HelperStatus s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("state", Names.state(s.getState()));
        n.put("error_message", s.getErrorMessage());
        n.put("signature_validation_disabled", s.getSignatureValidationDisabled());
        n.put("helper_version", s.getHelperVersion());
        n.put("tunnel_protocol_version", s.getTunnelProtocolVersion());
        n.put("access_url", s.getAccessUrl());
        n.put("server_version", s.getServerVersion());
        return n;
    }

    /** {@code app-client peers --json}: status plus the full peer picture. */
    public static ObjectNode peers(HelperStatus status, PeerView.Snapshot peers, Instant now) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("time", now.toString());
        n.set("status", status(status));
        n.set("workspaces", workspaces(peers.workspaces()));
        ArrayNode agents = n.putArray("agents");
        for (Agent a : peers.agents()) {
            agents.add(agent(a, peers, now));
        }
        return n;
    }

    public static ArrayNode workspaces(List<Workspace> list) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (Workspace w : list) {
            ObjectNode n = arr.addObject();
            n.put("id", Uuids.format(w.getId()));
            n.put("name", w.getName());
            n.put("status", Names.workspaceStatus(w.getStatus()));
        }
        return arr;
    }

    public static ObjectNode agent(Agent a, PeerView.Snapshot context, Instant now) {
        AgentFacts f = AgentFacts.of(a, now);
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", Uuids.format(a.getId()));
        n.put("name", a.getName());
        n.put("workspace_id", Uuids.format(a.getWorkspaceId()));
        n.put(
                "workspace_name",
                context.workspace(a.getWorkspaceId()).map(Workspace::getName).orElse(null));
        ArrayNode fqdn = n.putArray("fqdn");
        a.getFqdnList().forEach(fqdn::add);
        ArrayNode ips = n.putArray("ip_addrs");
        a.getIpAddrsList().forEach(ips::add);
        n.put("last_handshake", f.lastHandshake().map(Instant::toString).orElse(null));
        if (f.handshakeAge().isPresent()) {
            n.put("last_handshake_age_seconds", f.handshakeAge().get().toSeconds());
        } else {
            n.putNull("last_handshake_age_seconds");
        }
        n.put("stale", f.stale());
        if (f.latency().isPresent()) {
            n.put("latency_ms", AgentFacts.millis(f.latency().get()));
        } else {
            n.putNull("latency_ms");
        }
        if (f.p2p().isPresent()) {
            n.put("p2p", f.p2p().get());
        } else {
            n.putNull("p2p");
        }
        n.put("preferred_derp", f.preferredDerp().orElse(null));
        return n;
    }

    // ── watch: JSON Lines, one event per line, each with "type" and "time" first ──

    public static ObjectNode snapshotEvent(HelperStatus status, PeerView.Snapshot peers, Instant now) {
        ObjectNode n = event("snapshot", now);
        ObjectNode body = peers(status, peers, now);
        body.remove("time");
        n.setAll(body);
        return n;
    }

    public static ObjectNode statusEvent(HelperStatus status, Instant now) {
        ObjectNode n = event("status", now);
        n.set("status", status(status));
        return n;
    }

    public static ObjectNode progressEvent(Progress p, Instant now) {
        ObjectNode n = event("progress", now);
        n.put("stage", Names.stage(p.getStage()));
        n.put("bytes_written", p.getBytesWritten());
        n.put("bytes_total", p.getBytesTotal());
        return n;
    }

    /** The delta as the tunnel sent it; agents described against the merged view after it. */
    public static ObjectNode peerUpdateEvent(PeerUpdate delta, PeerView.Snapshot after, Instant now) {
        ObjectNode n = event("peer_update", now);
        n.set("upserted_workspaces", workspaces(delta.getUpsertedWorkspacesList()));
        ArrayNode up = n.putArray("upserted_agents");
        delta.getUpsertedAgentsList().forEach(a -> up.add(agent(a, after, now)));
        n.set("deleted_workspaces", workspaces(delta.getDeletedWorkspacesList()));
        ArrayNode del = n.putArray("deleted_agents");
        delta.getDeletedAgentsList().forEach(a -> del.add(agent(a, after, now)));
        n.put("workspace_count", after.workspaces().size());
        n.put("agent_count", after.agents().size());
        return n;
    }

    public static ObjectNode disconnectedEvent(String reason, boolean reconnecting, Instant now) {
        ObjectNode n = event("disconnected", now);
        n.put("reason", reason);
        n.put("reconnecting", reconnecting);
        return n;
    }

    private static ObjectNode event(String type, Instant now) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", type);
        n.put("time", now.toString());
        return n;
    }
}
