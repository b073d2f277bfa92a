package dev.tunnelhelper.app;

import com.google.protobuf.ByteString;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The app's own merged picture of the tunnel's peers, built from one full state and the deltas
 * that follow it, so a watcher always has the whole picture and not just the last change.
 *
 * <p>Rules: within one update, deletions are applied before upserts (as the deployed app does),
 * an upsert replaces the entry with the same id wholesale, a deletion removes by id. Deleting a
 * workspace does not delete its agents: the tunnel sends agent deletions itself when it means them.
 * Thread-safe; iteration order is first-seen order.
 */
public final class PeerView {
    private final Map<ByteString, Workspace> workspaces = new LinkedHashMap<>();
    private final Map<ByteString, Agent> agents = new LinkedHashMap<>();

    /** An immutable copy of the view at one moment. */
    public record Snapshot(List<Workspace> workspaces, List<Agent> agents) {
        public static final Snapshot EMPTY = new Snapshot(List.of(), List.of());

        public Optional<Workspace> workspace(ByteString id) {
            return workspaces.stream().filter(w -> w.getId().equals(id)).findFirst();
        }

        public List<Agent> agentsOf(ByteString workspaceId) {
            return agents.stream()
                    .filter(a -> a.getWorkspaceId().equals(workspaceId))
                    .toList();
        }
    }

    /** Replaces everything with a full state (only its upserted lists count). */
    public synchronized Snapshot reset(PeerUpdate fullState) {
        workspaces.clear();
        agents.clear();
        upsert(fullState);
        return snapshot();
    }

    /** Merges a delta and returns the result. */
    public synchronized Snapshot apply(PeerUpdate delta) {
        for (Workspace w : delta.getDeletedWorkspacesList()) {
            workspaces.remove(w.getId());
        }
        for (Agent a : delta.getDeletedAgentsList()) {
            agents.remove(a.getId());
        }
        upsert(delta);
        return snapshot();
    }

    private void upsert(PeerUpdate update) {
        for (Workspace w : update.getUpsertedWorkspacesList()) {
            workspaces.put(w.getId(), w);
        }
        for (Agent a : update.getUpsertedAgentsList()) {
            agents.put(a.getId(), a);
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(
                List.copyOf(new ArrayList<>(workspaces.values())), List.copyOf(new ArrayList<>(agents.values())));
    }
}
