package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;

/** The network-extension connection that owns a session: it applies settings and is told when the tunnel is gone. */
public interface ExtensionLink {

    /** Relays the tunnel's settings diff; returns the extension's real answer. */
    NetworkSettingsResponse applyNetworkSettings(NetworkSettingsRequest settings) throws java.io.IOException;

    /** The tunnel is gone: empty {@code error} for a stop requested elsewhere, else why. Must not block. */
    void cancelProvider(String error);

    String describe();
}
