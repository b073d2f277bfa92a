package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd-resolved's per-link DNS: servers on the tunnel link, match domains as routing-only
 * domains ({@code ~coder}) so only those names go to the tunnel, search domains as plain domains.
 */
public final class ResolvectlDns implements DnsConfigurator {
    private static final Logger log = LoggerFactory.getLogger(ResolvectlDns.class);
    private final String resolvectl;
    private final CommandRunner runner;
    private boolean applied;

    public ResolvectlDns(String resolvectl, CommandRunner runner) {
        this.resolvectl = resolvectl;
        this.runner = runner;
    }

    @Override
    public synchronized Optional<String> apply(String ifname, DNSSettings dns) throws SettingsApplyException {
        if (dns.getServersCount() == 0) {
            // The interface must match the settings: DNS left pointing at the tunnel fails the apply.
            Optional<String> stillApplied = remove(ifname);
            if (stillApplied.isPresent()) {
                throw new SettingsApplyException(stillApplied.get());
            }
            return Optional.empty();
        }
        List<String> servers = new ArrayList<>(List.of(resolvectl, "dns", ifname));
        servers.addAll(dns.getServersList());
        check(runner.run(servers));
        applied = true;
        List<String> domains = new ArrayList<>(List.of(resolvectl, "domain", ifname));
        dns.getMatchDomainsList().forEach(d -> domains.add("~" + d));
        domains.addAll(dns.getSearchDomainsList());
        if (!dns.getDomainName().isEmpty() && !dns.getSearchDomainsList().contains(dns.getDomainName())) {
            domains.add(dns.getDomainName());
        }
        check(runner.run(domains));
        return Optional.empty();
    }

    private static void check(CommandResult r) throws SettingsApplyException {
        if (!r.ok()) {
            throw new SettingsApplyException(r.describeFailure());
        }
    }

    @Override
    public synchronized Optional<String> remove(String ifname) {
        if (!applied) {
            return Optional.empty();
        }
        CommandResult r = runner.run(List.of(resolvectl, "revert", ifname));
        if (!r.ok()) {
            // Still applied: a later remove tries again.
            log.warn("could not revert DNS on {}: {}", ifname, r.describeFailure());
            return Optional.of("DNS on " + ifname + ": " + r.describeFailure());
        }
        applied = false;
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "via resolvectl";
    }
}
