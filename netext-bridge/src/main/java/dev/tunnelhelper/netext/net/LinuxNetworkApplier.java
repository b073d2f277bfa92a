package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.shim.Executables;

/**
 * Linux: rtnetlink through the shim for addresses, MTU, link and routes (no iproute2 needed);
 * systemd-resolved ({@code resolvectl}) for DNS when it is installed, otherwise DNS is reported as
 * not applied.
 */
public final class LinuxNetworkApplier extends InterfaceApplier {

    public LinuxNetworkApplier(String ifname, DnsConfigurator dns) {
        super(ifname, new NetlinkChanges(ifname), dns);
    }

    /** The applier for a real interface, with the DNS resolver this host has. */
    public static LinuxNetworkApplier forInterface(String ifname) {
        CommandRunner runner = new ProcessCommandRunner();
        DnsConfigurator dns = Executables.find("resolvectl")
                .<DnsConfigurator>map(p -> new ResolvectlDns(p.toString(), runner))
                .orElseGet(() -> new DnsNotApplied("resolvectl not found"));
        return new LinuxNetworkApplier(ifname, dns);
    }
}
