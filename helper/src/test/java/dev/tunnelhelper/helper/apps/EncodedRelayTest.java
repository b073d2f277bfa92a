package dev.tunnelhelper.helper.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.PeerState;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribed;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.LastPing;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The relay splices encoded peer state instead of decoding it: what an app decodes must be
 * exactly what the decoding relay sent before (the reference below is that relay's code: every
 * message decoded, merged as objects, re-encoded). Compared as decoded messages, unknown fields
 * included, for the pushes, the subscribe reply and the GetPeerState reply.
 */
class EncodedRelayTest {
    private static final HelperStatus RUNNING = HelperStatus.newBuilder()
            .setState(SessionState.SESSION_STATE_RUNNING)
            .setHelperVersion("test")
            .setAccessUrl("https://coder.example")
            .build();

    /** The relay as it was: decoded objects merged by id (deletes, then upserts replacing in place). */
    private static final class DecodingReference {
        final Map<ByteString, Workspace> workspaces = new LinkedHashMap<>();
        final Map<ByteString, Agent> agents = new LinkedHashMap<>();

        void apply(PeerUpdate delta) {
            delta.getDeletedWorkspacesList().forEach(w -> workspaces.remove(w.getId()));
            delta.getDeletedAgentsList().forEach(a -> agents.remove(a.getId()));
            delta.getUpsertedWorkspacesList().forEach(w -> workspaces.put(w.getId(), w));
            delta.getUpsertedAgentsList().forEach(a -> agents.put(a.getId(), a));
        }

        PeerUpdate full() {
            return PeerUpdate.newBuilder()
                    .addAllUpsertedWorkspaces(workspaces.values())
                    .addAllUpsertedAgents(agents.values())
                    .build();
        }
    }

    private final DecodingReference reference = new DecodingReference();
    private final EncodedPeers encoded = new EncodedPeers();

    /** Relays one delta, as the tunnel encoded it, through both relays and compares what apps decode. */
    private void relayAndCompare(ByteString tunnelBytes) throws Exception {
        TunnelMessage decodedByOld = TunnelMessage.parseFrom(tunnelBytes);
        TunnelFrame readByNew = TunnelFrame.parseFrom(tunnelBytes);

        reference.apply(decodedByOld.getPeerUpdate());
        encoded.apply(readByNew.getPeerUpdate());

        assertEquals(
                sent(HelperAppMessage.newBuilder()
                        .setPeerUpdate(decodedByOld.getPeerUpdate())
                        .build()),
                sent(EncodedReplies.peerUpdate(readByNew.getPeerUpdate())),
                "the push");
        assertEquals(
                sent(HelperAppMessage.newBuilder()
                        .setSubscribed(
                                Subscribed.newBuilder().setStatus(RUNNING).setPeers(reference.full()))
                        .build()),
                sent(EncodedReplies.subscribed(RUNNING, encoded.full())),
                "the subscribe reply (the merged state)");
        assertEquals(
                reply(HelperAppMessage.newBuilder()
                        .setPeerState(PeerState.newBuilder().setStatus(RUNNING).setPeers(decodedByOld.getPeerUpdate()))
                        .build()),
                reply(EncodedReplies.peerState(RUNNING, readByNew.getPeerUpdate())),
                "a GetPeerState reply carrying this as the tunnel's full state");
    }

    /** What an app decodes of a one-way message. */
    private static HelperAppMessage sent(HelperAppMessage m) throws InvalidProtocolBufferException {
        return HelperAppMessage.parseFrom(m.toByteArray());
    }

    /** What an app decodes of a reply: the speaker sets its rpc first. */
    private static HelperAppMessage reply(HelperAppMessage m) throws InvalidProtocolBufferException {
        return sent(Endpoints.HELPER_APP.withRpc(
                m, RPC.newBuilder().setResponseTo(42).build()));
    }

    private static ByteString id(int n) {
        return ByteString.copyFrom(new byte[] {0, 0, 0, (byte) n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    }

    private static UnknownFieldSet unknown(int seed) {
        return UnknownFieldSet.newBuilder()
                .addField(
                        90 + seed % 3,
                        UnknownFieldSet.Field.newBuilder()
                                .addVarint(seed)
                                .addLengthDelimited(ByteString.copyFromUtf8("future-" + seed))
                                .build())
                .build();
    }

    private static Agent agent(Random random, int n, int version) {
        Agent.Builder a = Agent.newBuilder()
                .setId(id(n))
                .setName("agent-" + n + "-v" + version)
                .setWorkspaceId(id(100 + n % 4))
                .addFqdn("agent-" + n + ".coder")
                .addIpAddrs("fd60:627a:a42b::" + n)
                .setLastHandshake(Timestamp.newBuilder().setSeconds(version));
        if (random.nextBoolean()) {
            a.setLastPing(LastPing.newBuilder().setDidP2P(random.nextBoolean()).setPreferredDerp("derp-" + n));
        }
        if (random.nextInt(4) == 0) {
            a.setUnknownFields(unknown(version)); // a field of a newer tunnel: relayed untouched
        }
        return a.build();
    }

    private static Workspace workspace(int n, int version) {
        return Workspace.newBuilder()
                .setId(id(100 + n))
                .setName("ws-" + n + "-v" + version)
                .setStatus(Workspace.Status.forNumber(version % 11))
                .build();
    }

    private static ByteString tunnelSends(PeerUpdate delta) {
        return TunnelMessage.newBuilder().setPeerUpdate(delta).build().toByteString();
    }

    @Test
    void randomDeltasDecodeAsTheDecodingRelaySentThem() throws Exception {
        Random random = new Random(14);
        for (int step = 0; step < 400; step++) {
            PeerUpdate.Builder delta = PeerUpdate.newBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                delta.addUpsertedAgents(agent(random, random.nextInt(16), step));
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                delta.addDeletedAgents(Agent.newBuilder().setId(id(random.nextInt(16))));
            }
            for (int i = random.nextInt(2); i > 0; i--) {
                delta.addUpsertedWorkspaces(workspace(random.nextInt(4), step));
            }
            if (random.nextInt(8) == 0) {
                delta.addDeletedWorkspaces(Workspace.newBuilder().setId(id(100 + random.nextInt(4))));
            }
            if (random.nextInt(10) == 0) {
                delta.setUnknownFields(unknown(step)); // on the update itself: kept in the push only
            }
            relayAndCompare(tunnelSends(delta.build()));
        }
        assertTrue(reference.agents.size() > 0, "the walk ends with some agents");
    }

    @Test
    void anUpdateOfAnAgentKeepsItsPlaceAndADeleteInTheSameDeltaComesFirst() throws Exception {
        Random random = new Random(1);
        relayAndCompare(tunnelSends(PeerUpdate.newBuilder()
                .addUpsertedAgents(agent(random, 1, 0))
                .addUpsertedAgents(agent(random, 2, 0))
                .addUpsertedAgents(agent(random, 3, 0))
                .build()));
        relayAndCompare(tunnelSends(PeerUpdate.newBuilder()
                .addUpsertedAgents(agent(random, 1, 1))
                .addDeletedAgents(Agent.newBuilder().setId(id(2)))
                .addUpsertedAgents(agent(random, 2, 1)) // deleted and upserted in one delta: upserted, at the end
                .addUpsertedAgents(agent(random, 3, 1))
                .addUpsertedAgents(agent(random, 3, 2)) // twice in one delta: the later one, in the first one's place
                .build()));
        assertEquals(
                java.util.List.of("agent-1-v1", "agent-3-v2", "agent-2-v1"),
                PeerUpdate.parseFrom(encoded.full()).getUpsertedAgentsList().stream()
                        .map(Agent::getName)
                        .toList());
    }

    @Test
    void emptyStatesAndEmptyDeltasDecodeAsBefore() throws Exception {
        relayAndCompare(tunnelSends(PeerUpdate.getDefaultInstance()));
        relayAndCompare(tunnelSends(PeerUpdate.newBuilder()
                .addUpsertedAgents(Agent.getDefaultInstance()) // no id at all: one agent under the empty id
                .addUpsertedWorkspaces(Workspace.getDefaultInstance())
                .build()));
        relayAndCompare(tunnelSends(PeerUpdate.newBuilder()
                .addDeletedAgents(Agent.getDefaultInstance())
                .addDeletedWorkspaces(Workspace.getDefaultInstance())
                .build()));
        assertEquals(ByteString.EMPTY, encoded.full(), "everything deleted: an empty PeerUpdate");
        // An idle helper answers with no peers at all: the reply still carries an (empty) peers field.
        HelperAppMessage idle = reply(EncodedReplies.peerState(RUNNING, ByteString.EMPTY));
        assertTrue(idle.getPeerState().hasPeers());
        assertEquals(
                reply(HelperAppMessage.newBuilder()
                        .setPeerState(
                                PeerState.newBuilder().setStatus(RUNNING).setPeers(PeerUpdate.getDefaultInstance()))
                        .build()),
                idle);
    }

    @Test
    void anIdIsTheLastOccurrenceOfFieldOneAsProtobufDecodesIt() throws Exception {
        ByteString twice = Agent.newBuilder()
                .setId(id(1))
                .build()
                .toByteString()
                .concat(Agent.newBuilder().setName("x").setId(id(2)).build().toByteString());
        assertEquals(Agent.parseFrom(twice).getId(), PeerIds.idOf(twice));
        assertEquals(
                ByteString.EMPTY,
                PeerIds.idOf(Agent.newBuilder().setName("no id").build().toByteString()));
    }

    @Test
    void aMalformedDeltaIsRefusedAndChangesNothing() throws Exception {
        Random random = new Random(2);
        encoded.apply(PeerUpdate.newBuilder()
                .addUpsertedAgents(agent(random, 1, 0))
                .build()
                .toByteString());
        ByteString before = encoded.full();
        ByteString truncatedAgent = ByteString.copyFrom(new byte[] {0x12, 0x03, 0x0a, 0x10, 0x00});
        assertThrows(InvalidProtocolBufferException.class, () -> encoded.apply(truncatedAgent));
        assertThrows(InvalidProtocolBufferException.class, () -> encoded.apply(ByteString.copyFrom(new byte[] {0x12})));
        assertEquals(before, encoded.full());
    }
}
