package dev.tunnelhelper.netext;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;

/**
 * Puts network settings into effect on the tunnel interface, as a packet-tunnel provider's
 * {@code setTunnelNetworkSettings} does. {@link ExtensionClient} merges the tunnel's diffs
 * ({@link SettingsMerger}) and hands over the whole merged state each time.
 */
public interface NetworkSettingsApplier {

    /**
     * Makes the interface match {@code merged}: adds what is new, removes what this applier added
     * before and is no longer wanted. Returning normally means success; the tunnel is told so.
     *
     * @throws SettingsApplyException with a message the tunnel (and its operator) can act on
     */
    void apply(NetworkSettingsRequest merged) throws SettingsApplyException;

    /** Removes everything this applier added. Best effort: failures are logged, not thrown. */
    void remove();

    /** For a connection that owns no interface (e.g. {@code netext-bridge stop}): refuses every request. */
    NetworkSettingsApplier REFUSE = new NetworkSettingsApplier() {
        @Override
        public void apply(NetworkSettingsRequest merged) throws SettingsApplyException {
            throw new SettingsApplyException("this extension connection owns no tunnel interface");
        }

        @Override
        public void remove() {}
    };
}
