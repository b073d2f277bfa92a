package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.helper.session.AppBroadcast;
import dev.tunnelhelper.helper.session.SessionManager;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.time.Duration;

/** Connection factories for the two endpoints (the handlers themselves are package-private). */
public final class EndpointConnections {
    private EndpointConnections() {}

    public static PeerConnectionFactory<HelperExtensionMessage, ExtensionMessage> extensionConnections(
            SessionManager sessions, Duration settingsTimeout) {
        return who -> new ExtensionConnection(sessions, settingsTimeout, who);
    }

    public static PeerConnectionFactory<HelperAppMessage, AppMessage> appConnections(
            SessionManager sessions, AppBroadcast broadcast, int queueDepth, String helperVersion) {
        return who -> new AppConnection(sessions, broadcast, queueDepth, helperVersion, who);
    }
}
