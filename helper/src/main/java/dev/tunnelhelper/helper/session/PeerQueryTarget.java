package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;

/**
 * What a peer-state query needs, as the session thread last published it: the status, and the
 * running tunnel's speaker ({@code null} unless RUNNING). Immutable; written only by the session
 * thread ({@link SessionContext#publish}), read by any thread.
 */
record PeerQueryTarget(SessionStatus status, Speaker<ManagerMessage, TunnelFrame> speaker) {
    static final PeerQueryTarget IDLE = new PeerQueryTarget(SessionStatus.idle(""), null);
}
