package dev.tunnelhelper.helper.apps;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.relay.EncodedPeerSnapshot;
import java.io.IOException;

/**
 * App messages that carry peer state as the encoded bytes the helper keeps, spliced in instead
 * of decoded and re-encoded. Each is a {@link HelperAppMessage} whose one field is set through
 * its unknown-field set: protobuf writes those verbatim (tag, length, bytes), which is exactly the
 * encoding of the field the number names, so an app decodes a {@code peer_state},
 * {@code subscribed} or {@code peer_update} like any other. Only its sender's own accessors
 * ({@code hasPeerState()}, ...) do not see the field: these messages are meant to be sent, and
 * the speaker still sets their {@code rpc}.
 */
public final class EncodedReplies {
    private static final int PEER_STATE = HelperAppMessage.PEER_STATE_FIELD_NUMBER;
    private static final int SUBSCRIBED = HelperAppMessage.SUBSCRIBED_FIELD_NUMBER;
    private static final int PEER_UPDATE = HelperAppMessage.PEER_UPDATE_FIELD_NUMBER;
    private static final int PEERS = EncodedPeerSnapshot.PEERS_FIELD_NUMBER;

    private EncodedReplies() {}

    /** {@code peer_state{status, peers}}, {@code peers} an encoded {@code vpn.PeerUpdate}. */
    public static HelperAppMessage peerState(HelperStatus status, ByteString peers) {
        return withField(PEER_STATE, snapshot(status, peers));
    }

    /** {@code subscribed{status, peers}}, {@code peers} an encoded {@code vpn.PeerUpdate}. */
    static HelperAppMessage subscribed(HelperStatus status, ByteString peers) {
        return withField(SUBSCRIBED, snapshot(status, peers));
    }

    /** A {@code peer_update} push of an encoded {@code vpn.PeerUpdate}, as the tunnel sent it. */
    static HelperAppMessage peerUpdate(ByteString delta) {
        return withField(PEER_UPDATE, delta);
    }

    /**
     * An encoded {@link EncodedPeerSnapshot}: its status field, then the peers' tag and length,
     * then the peers themselves, joined without copying them (the same bytes as building the
     * snapshot and serialising it, which copied the whole peer state once more per reply).
     */
    private static ByteString snapshot(HelperStatus status, ByteString peers) {
        ByteString statusField =
                EncodedPeerSnapshot.newBuilder().setStatus(status).build().toByteString();
        byte[] peersHead = new byte
                [CodedOutputStream.computeTagSize(PEERS) + CodedOutputStream.computeUInt32SizeNoTag(peers.size())];
        try {
            CodedOutputStream head = CodedOutputStream.newInstance(peersHead);
            head.writeTag(PEERS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            head.writeUInt32NoTag(peers.size());
            head.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("writing into a correctly sized array cannot fail", e);
        }
        return statusField.concat(ByteString.copyFrom(peersHead)).concat(peers);
    }

    private static HelperAppMessage withField(int number, ByteString encoded) {
        return HelperAppMessage.newBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(
                                number,
                                UnknownFieldSet.Field.newBuilder()
                                        .addLengthDelimited(encoded)
                                        .build())
                        .build())
                .build();
    }
}
