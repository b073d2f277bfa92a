package dev.tunnelhelper.helper.session;

import com.google.protobuf.ByteString;

/**
 * A GetPeerState's answer: the session's status and the tunnel's full peer state, given together
 * so an app's request costs one trip through the session, not one for each.
 *
 * @param status the session's status when it took the query (what a GetStatus then would answer)
 * @param peers  an encoded {@code vpn.PeerUpdate}, exactly as the tunnel sent it; empty unless RUNNING
 */
public record PeerSnapshot(SessionStatus status, ByteString peers) {}
