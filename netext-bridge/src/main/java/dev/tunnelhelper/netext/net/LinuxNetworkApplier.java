package dev.tunnelhelper.netext.net;

/**
 * Linux: iproute2 for addresses, MTU, link and routes; systemd-resolved ({@code resolvectl})
 * for DNS when it is installed, otherwise DNS is reported as not applied.
 */
public final class LinuxNetworkApplier extends CommandNetworkApplier {

    public LinuxNetworkApplier(String ifname, CommandRunner runner, DnsConfigurator dns, String ipBinary) {
        super(ifname, new LinuxDialect(ipBinary), runner, dns);
    }

    /** The applier for a real interface, with the tools this host has. */
    public static LinuxNetworkApplier forInterface(String ifname) {
        CommandRunner runner = new ProcessCommandRunner();
        String ip = Executables.find("ip").map(Object::toString).orElse("ip");
        DnsConfigurator dns = Executables.find("resolvectl")
                .<DnsConfigurator>map(p -> new ResolvectlDns(p.toString(), runner))
                .orElseGet(() -> new DnsNotApplied("resolvectl not found"));
        return new LinuxNetworkApplier(ifname, runner, dns, ip);
    }
}
