package dev.tunnelhelper.helper.apps;

import com.google.protobuf.ByteString;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.util.LinkedHashMap;
import java.util.Map;

/** The full peer picture, kept from the tunnel's deltas (upserts replace by id, deletes remove by id). Not thread-safe. */
final class PeerMerger {
    private final Map<ByteString, Workspace> workspaces = new LinkedHashMap<>();
    private final Map<ByteString, Agent> agents = new LinkedHashMap<>();

    void apply(PeerUpdate delta) {
        delta.getDeletedWorkspacesList().forEach(w -> workspaces.remove(w.getId()));
        delta.getDeletedAgentsList().forEach(a -> agents.remove(a.getId()));
        delta.getUpsertedWorkspacesList().forEach(w -> workspaces.put(w.getId(), w));
        delta.getUpsertedAgentsList().forEach(a -> agents.put(a.getId(), a));
    }

    /** Full state: only the upserted lists filled. */
    PeerUpdate full() {
        return PeerUpdate.newBuilder()
                .addAllUpsertedWorkspaces(workspaces.values())
                .addAllUpsertedAgents(agents.values())
                .build();
    }

    void clear() {
        workspaces.clear();
        agents.clear();
    }
}
