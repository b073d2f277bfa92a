package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import java.util.Optional;

/**
 * No resolver we know how to configure: DNS settings are reported, not applied. The apply still
 * succeeds — the tunnel works by address without them, and refusing would stop the whole session
 * for names only — but the operator gets a WARN line saying what was skipped.
 */
public final class DnsNotApplied implements DnsConfigurator {
    private final String why;

    public DnsNotApplied(String why) {
        this.why = why;
    }

    @Override
    public Optional<String> apply(String ifname, DNSSettings dns) {
        if (dns.getServersCount() == 0 && dns.getMatchDomainsCount() == 0 && dns.getSearchDomainsCount() == 0) {
            return Optional.empty();
        }
        return Optional.of("DNS settings NOT applied (" + why + "): servers " + dns.getServersList()
                + ", match domains " + dns.getMatchDomainsList() + ", search domains " + dns.getSearchDomainsList());
    }

    @Override
    public Optional<String> remove(String ifname) {
        return Optional.empty(); // nothing was applied
    }

    @Override
    public String describe() {
        return "not applied (" + why + ")";
    }
}
