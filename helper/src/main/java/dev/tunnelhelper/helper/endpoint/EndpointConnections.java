package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.helper.apps.AppFanout;
import dev.tunnelhelper.helper.session.TunnelSession;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.time.Duration;

/** Connection factories for the two endpoints (the handlers themselves are package-private). */
public final class EndpointConnections {
    private EndpointConnections() {}

    public static PeerConnectionFactory<HelperExtensionMessage, ExtensionMessage> extensionConnections(
            TunnelSession session, Duration requestTimeout) {
        return who -> new ExtensionConnection(session, requestTimeout, who);
    }

    public static PeerConnectionFactory<HelperAppMessage, AppMessage> appConnections(
            TunnelSession session, AppFanout fanout, String helperVersion) {
        return who -> new AppConnection(session, fanout, helperVersion, who);
    }
}
