package dev.tunnelhelper.netext;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import java.util.List;

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

    /**
     * Removes everything this applier added, as far as it can: a removal that fails does not stop
     * the others, and nothing is thrown.
     *
     * @return what is still in place, one line per setting with the system's reason; empty when
     *         everything this applier added is gone (a setting that was already gone, or went
     *         with its interface, counts as removed)
     */
    List<String> remove();

    /** For a connection that owns no interface (e.g. {@code netext-bridge stop}): refuses every request. */
    NetworkSettingsApplier REFUSE = new NetworkSettingsApplier() {
        @Override
        public void apply(NetworkSettingsRequest merged) throws SettingsApplyException {
            throw new SettingsApplyException("this extension connection owns no tunnel interface");
        }

        @Override
        public List<String> remove() {
            return List.of();
        }
    };
}
