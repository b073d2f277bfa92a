package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import java.util.Optional;

/** Points name resolution for the tunnel's domains at the tunnel's DNS servers. */
public interface DnsConfigurator {

    /**
     * Applies {@code dns} to {@code ifname}.
     *
     * @return a warning when the settings were deliberately not applied (no resolver to talk to):
     *         the apply still succeeds, the operator is told
     */
    Optional<String> apply(String ifname, DNSSettings dns) throws SettingsApplyException;

    /**
     * Undoes {@link #apply}, without throwing.
     *
     * @return why the tunnel's DNS settings are still in effect, or empty once they are not
     */
    Optional<String> remove(String ifname);

    /** Short description for the status line, e.g. {@code via resolvectl}. */
    String describe();
}
