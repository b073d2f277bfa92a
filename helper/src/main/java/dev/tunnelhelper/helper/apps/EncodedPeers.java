package dev.tunnelhelper.helper.apps;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tunnelhelper.protocol.relay.EncodedPeerUpdate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full peer picture, kept from the tunnel's deltas (deletes remove by id, then upserts
 * replace by id, a replaced peer keeping its place) as each workspace's and agent's encoded
 * bytes: the relay reads only their ids, and the full state is those bytes concatenated, so
 * nothing is decoded or re-encoded per agent. Not thread-safe.
 */
final class EncodedPeers {
    private final Map<ByteString, ByteString> workspaces = new LinkedHashMap<>();
    private final Map<ByteString, ByteString> agents = new LinkedHashMap<>();

    /**
     * Applies an encoded {@code vpn.PeerUpdate}.
     *
     * @throws InvalidProtocolBufferException if it, or a peer in it, is not well-formed; nothing
     *         is applied then
     */
    void apply(ByteString encodedDelta) throws InvalidProtocolBufferException {
        EncodedPeerUpdate delta = EncodedPeerUpdate.parseFrom(encodedDelta);
        Map<ByteString, ByteString> upsertedWorkspaces = byId(delta.getUpsertedWorkspacesList());
        Map<ByteString, ByteString> upsertedAgents = byId(delta.getUpsertedAgentsList());
        Map<ByteString, ByteString> deletedWorkspaces = byId(delta.getDeletedWorkspacesList());
        Map<ByteString, ByteString> deletedAgents = byId(delta.getDeletedAgentsList());
        workspaces.keySet().removeAll(deletedWorkspaces.keySet());
        agents.keySet().removeAll(deletedAgents.keySet());
        workspaces.putAll(upsertedWorkspaces);
        agents.putAll(upsertedAgents);
    }

    /** Full state as an encoded {@code vpn.PeerUpdate}: only the upserted lists filled. */
    ByteString full() {
        return EncodedPeerUpdate.newBuilder()
                .addAllUpsertedWorkspaces(workspaces.values())
                .addAllUpsertedAgents(agents.values())
                .build()
                .toByteString();
    }

    void clear() {
        workspaces.clear();
        agents.clear();
    }

    /** In the delta's order; a later peer with the same id replaces an earlier one in its place, as one by one would. */
    private static Map<ByteString, ByteString> byId(List<ByteString> encoded) throws InvalidProtocolBufferException {
        Map<ByteString, ByteString> peers = new LinkedHashMap<>();
        for (ByteString peer : encoded) {
            peers.put(PeerIds.idOf(peer), peer);
        }
        return peers;
    }
}
