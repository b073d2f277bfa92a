package dev.tunnelhelper.netext.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv6Settings;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real TUN device and the real {@code ip}: what the kernel shows is what counts. */
@RequiresRootAndTun
class LinuxNetworkApplierTest {
    private TunDevice tun;
    private LinuxNetworkApplier applier;

    @BeforeEach
    void openDevice() {
        tun = TunDevice.open("thna" + ProcessHandle.current().pid() % 100000);
        applier = new LinuxNetworkApplier(tun.name(), new ProcessCommandRunner(), new DnsNotApplied("test"), "ip");
    }

    @AfterEach
    void closeDevice() {
        applier.remove();
        tun.close();
    }

    private static NetworkSettingsRequest settings(String addr, String routeNet, String routeMask, int mtu) {
        return NetworkSettingsRequest.newBuilder().setMtu(mtu)
                .setIpv4Settings(IPv4Settings.newBuilder().addAddrs(addr).addSubnetMasks("255.255.255.255")
                        .addIncludedRoutes(IPv4Settings.IPv4Route.newBuilder().setDestination(routeNet).setMask(routeMask)))
                .setDnsSettings(DNSSettings.newBuilder().addServers("100.71.0.1").addMatchDomains("coder"))
                .build();
    }

    @Test
    void appliesReappliesAndRemoves() throws Exception {
        String name = tun.name();
        applier.apply(settings("100.71.0.1", "100.71.0.0", "255.255.0.0", 1280));
        assertTrue(IpTool.addresses(name).contains("inet 100.71.0.1/32"), IpTool.addresses(name));
        assertTrue(IpTool.routes(name).contains("100.71.0.0/16"), IpTool.routes(name));
        String link = IpTool.link(name);
        assertTrue(link.contains("mtu 1280"), link);
        assertTrue(link.matches("(?s).*<[^>]*\\bUP\\b[^>]*>.*"), link);
        assertTrue(applier.warnings().stream().anyMatch(w -> w.startsWith("DNS settings NOT applied")), applier.warnings().toString());

        // A new merged state: the old address and route go, the new ones come.
        applier.apply(settings("100.71.0.2", "100.72.0.0", "255.255.0.0", 1300));
        String addrs = IpTool.addresses(name);
        String routes = IpTool.routes(name);
        assertTrue(addrs.contains("inet 100.71.0.2/32"), addrs);
        assertFalse(addrs.contains("100.71.0.1/"), addrs);
        assertTrue(routes.contains("100.72.0.0/16"), routes);
        assertFalse(routes.contains("100.71.0.0/16"), routes);
        assertTrue(IpTool.link(name).contains("mtu 1300"));

        applier.remove();
        assertFalse(IpTool.addresses(name).contains("inet 100.7"), IpTool.addresses(name));
        assertFalse(IpTool.routes(name).contains("100.7"), IpTool.routes(name));
    }

    @Test
    void reapplyingTheSameStateIsHarmless() throws Exception {
        NetworkSettingsRequest s = settings("100.71.1.1", "100.71.0.0", "255.255.0.0", 1280);
        applier.apply(s);
        applier.apply(s);
        assertTrue(IpTool.addresses(tun.name()).contains("inet 100.71.1.1/32"));
        assertTrue(IpTool.routes(tun.name()).contains("100.71.0.0/16"));
    }

    @Test
    void removeLeavesWhatOthersAddedAlone() throws Exception {
        IpTool.run("addr", "add", "100.73.0.9/32", "dev", tun.name());
        applier.apply(settings("100.71.2.1", "100.71.0.0", "255.255.0.0", 1280));
        applier.remove();
        String addrs = IpTool.addresses(tun.name());
        assertTrue(addrs.contains("100.73.0.9/32"), addrs);
        assertFalse(addrs.contains("100.71.2.1"), addrs);
    }

    @Test
    void anIpFailureNamesTheCommandAndWhatIpSaid() throws Exception {
        // The kernel refuses an MTU above the device maximum: a real ip failure, not a simulated one.
        SettingsApplyException e = assertThrows(SettingsApplyException.class,
                () -> applier.apply(settings("100.71.3.1", "100.71.0.0", "255.255.0.0", 70000)));
        assertTrue(e.getMessage().contains("`ip link set dev " + tun.name() + " mtu 70000` failed (exit"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("mtu"), e.getMessage());
        // What was added before the failure is still tracked, and removed.
        applier.remove();
        assertFalse(IpTool.addresses(tun.name()).contains("100.71.3.1"));
    }

    @Test
    void ipv6AddressesAndRoutes() throws Exception {
        Path disabled = Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6");
        Assumptions.assumeTrue(Files.exists(disabled) && Files.readString(disabled).trim().equals("0"), "IPv6 is disabled on this host");
        NetworkSettingsRequest s = NetworkSettingsRequest.newBuilder().setMtu(1280)
                .setIpv6Settings(IPv6Settings.newBuilder().addAddrs("fd7a:115c:a1e0::71").addPrefixLengths(128)
                        .addIncludedRoutes(IPv6Settings.IPv6Route.newBuilder().setDestination("fd7a:115c:a1e0::").setPrefixLength(48)))
                .build();
        applier.apply(s);
        assertTrue(IpTool.addresses(tun.name()).contains("inet6 fd7a:115c:a1e0::71/128"), IpTool.addresses(tun.name()));
        assertTrue(IpTool.routes(tun.name()).contains("fd7a:115c:a1e0::/48"), IpTool.routes(tun.name()));
        applier.remove();
        assertFalse(IpTool.addresses(tun.name()).contains("fd7a:115c:a1e0::71"));
        assertFalse(IpTool.routes(tun.name()).contains("fd7a:115c:a1e0::/48"));
    }
}
