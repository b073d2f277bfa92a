package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The network-extension connection that owns a session: it applies settings and is told when
 * the tunnel is gone. The session calls it from worker threads, never from its own.
 */
public interface ExtensionLink {

    /**
     * Relays the tunnel's settings diff. Completes once the extension applied it; fails with
     * {@link SettingsRefusedException} carrying the extension's own reason, or with another
     * exception when it did not answer.
     */
    CompletableFuture<Void> applyNetworkSettings(NetworkSettingsRequest settings);

    /** The session ended without this link asking: empty {@code error} for a stop requested elsewhere, else why. */
    void cancelProvider(String error);

    String describe();
}
