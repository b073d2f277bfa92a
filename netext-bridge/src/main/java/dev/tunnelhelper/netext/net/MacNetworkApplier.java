package dev.tunnelhelper.netext.net;

/**
 * macOS without a packet-tunnel extension: {@code ifconfig}/{@code route} on a utun. DNS is not
 * applied (a real extension sets it through {@code NEPacketTunnelNetworkSettings}; doing it by
 * hand needs {@code scutil} state we would have to own). Compiled here, never run: the project's
 * CI has no macOS runner for it yet.
 */
public final class MacNetworkApplier extends InterfaceApplier {

    public MacNetworkApplier(String ifname, CommandRunner runner) {
        super(
                ifname,
                new CommandChanges(ifname, new MacDialect(), runner),
                new DnsNotApplied("the macOS bridge does not configure DNS; a packet-tunnel extension does"));
    }

    public static MacNetworkApplier forInterface(String ifname) {
        return new MacNetworkApplier(ifname, new ProcessCommandRunner());
    }
}
