package dev.tunnelhelper.netext.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv6Settings;
import dev.tunnelhelper.shim.NetworkInterfaces;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real TUN device: what the kernel shows (netlink dumps, /sys/class/net) is what counts. */
@RequiresRootAndTun
class LinuxNetworkApplierTest {
    private TunDevice tun;
    private LinuxNetworkApplier applier;

    @BeforeEach
    void openDevice() {
        tun = TunDevice.open("thna" + ProcessHandle.current().pid() % 100000);
        applier = new LinuxNetworkApplier(tun.name(), new DnsNotApplied("test"));
    }

    @AfterEach
    void closeDevice() {
        applier.remove();
        tun.close();
    }

    /** One line per address ("inet 100.71.0.1/32"), as an operator would read them. */
    private static String addresses(String ifname) {
        return NetworkInterfaces.addresses(ifname).stream()
                .map(e -> (e.ipv6() ? "inet6 " : "inet ") + e + "\n")
                .collect(Collectors.joining());
    }

    private static String routes(String ifname) {
        return NetworkInterfaces.routes(ifname).stream().map(e -> e + "\n").collect(Collectors.joining());
    }

    private static NetworkInterfaces.Link link(String ifname) {
        return NetworkInterfaces.link(ifname).orElseThrow();
    }

    private static NetworkSettingsRequest settings(String addr, String routeNet, String routeMask, int mtu) {
        return NetworkSettingsRequest.newBuilder()
                .setMtu(mtu)
                .setIpv4Settings(IPv4Settings.newBuilder()
                        .addAddrs(addr)
                        .addSubnetMasks("255.255.255.255")
                        .addIncludedRoutes(IPv4Settings.IPv4Route.newBuilder()
                                .setDestination(routeNet)
                                .setMask(routeMask)))
                .setDnsSettings(
                        DNSSettings.newBuilder().addServers("100.71.0.1").addMatchDomains("coder"))
                .build();
    }

    @Test
    void appliesReappliesAndRemoves() throws Exception {
        String name = tun.name();
        applier.apply(settings("100.71.0.1", "100.71.0.0", "255.255.0.0", 1280));
        assertTrue(addresses(name).contains("inet 100.71.0.1/32"), addresses(name));
        assertTrue(routes(name).contains("100.71.0.0/16"), routes(name));
        assertEquals(new NetworkInterfaces.Link(name, true, 1280), link(name));
        assertTrue(
                applier.warnings().stream().anyMatch(w -> w.startsWith("DNS settings NOT applied")),
                applier.warnings().toString());

        // A new merged state: the old address and route go, the new ones come.
        applier.apply(settings("100.71.0.2", "100.72.0.0", "255.255.0.0", 1300));
        String addrs = addresses(name);
        String routes = routes(name);
        assertTrue(addrs.contains("inet 100.71.0.2/32"), addrs);
        assertFalse(addrs.contains("100.71.0.1/"), addrs);
        assertTrue(routes.contains("100.72.0.0/16"), routes);
        assertFalse(routes.contains("100.71.0.0/16"), routes);
        assertEquals(1300, link(name).mtu());

        assertEquals(java.util.List.of(), applier.remove());
        assertFalse(addresses(name).contains("inet 100.7"), addresses(name));
        assertFalse(routes(name).contains("100.7"), routes(name));
    }

    @Test
    void settingsSomeoneElseRemovedFirstCountAsRemoved() throws Exception {
        // The kernel's own answers for a missing address and route (EADDRNOTAVAIL, ESRCH), not simulated ones.
        applier.apply(settings("100.71.4.1", "100.71.0.0", "255.255.0.0", 1280));
        NetworkInterfaces.deleteRoute(tun.name(), InetAddress.getByName("100.71.0.0"), 16);
        NetworkInterfaces.deleteAddress(tun.name(), InetAddress.getByName("100.71.4.1"), 32);

        assertEquals(java.util.List.of(), applier.remove());
        assertEquals(java.util.List.of(), applier.addresses());
        assertEquals(java.util.List.of(), applier.routes());
    }

    @Test
    void settingsOnAnInterfaceThatIsGoneCountAsRemoved() throws Exception {
        // Closing the only descriptor of a TUN device deletes the interface, and its settings with it (ENODEV).
        applier.apply(settings("100.71.5.1", "100.71.0.0", "255.255.0.0", 1280));
        String name = tun.name();
        tun.close();
        for (int i = 0; i < 200 && NetworkInterfaces.link(name).isPresent(); i++) {
            Thread.sleep(10); // the kernel unregisters the device after the close returns
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(
                NetworkInterfaces.link(name).isPresent(), "the kernel kept " + name + " for 2 s after its close");

        assertEquals(java.util.List.of(), applier.remove());
    }

    @Test
    void reapplyingTheSameStateIsHarmless() throws Exception {
        NetworkSettingsRequest s = settings("100.71.1.1", "100.71.0.0", "255.255.0.0", 1280);
        applier.apply(s);
        applier.apply(s);
        assertTrue(addresses(tun.name()).contains("inet 100.71.1.1/32"));
        assertTrue(routes(tun.name()).contains("100.71.0.0/16"));
    }

    @Test
    void removeLeavesWhatOthersAddedAlone() throws Exception {
        NetworkInterfaces.replaceAddress(tun.name(), InetAddress.getByName("100.73.0.9"), 32);
        applier.apply(settings("100.71.2.1", "100.71.0.0", "255.255.0.0", 1280));
        applier.remove();
        String addrs = addresses(tun.name());
        assertTrue(addrs.contains("100.73.0.9/32"), addrs);
        assertFalse(addrs.contains("100.71.2.1"), addrs);
    }

    @Test
    void aKernelRefusalNamesTheChangeTheInterfaceAndTheKernelsReason() throws Exception {
        // The kernel refuses an MTU above the device maximum: a real failure, not a simulated one.
        SettingsApplyException e = assertThrows(
                SettingsApplyException.class,
                () -> applier.apply(settings("100.71.3.1", "100.71.0.0", "255.255.0.0", 70000)));
        assertTrue(
                e.getMessage().startsWith("set MTU 70000 on " + tun.name() + ": mtu greater than device maximum"),
                e.getMessage());
        // What was added before the failure is still tracked, and removed.
        applier.remove();
        assertFalse(addresses(tun.name()).contains("100.71.3.1"));
    }

    @Test
    void ipv6AddressesAndRoutes() throws Exception {
        Path disabled = Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6");
        Assumptions.assumeTrue(
                Files.exists(disabled) && Files.readString(disabled).trim().equals("0"),
                "IPv6 is disabled on this host");
        NetworkSettingsRequest s = NetworkSettingsRequest.newBuilder()
                .setMtu(1280)
                .setIpv6Settings(IPv6Settings.newBuilder()
                        .addAddrs("fd7a:115c:a1e0::71")
                        .addPrefixLengths(128)
                        .addIncludedRoutes(IPv6Settings.IPv6Route.newBuilder()
                                .setDestination("fd7a:115c:a1e0::")
                                .setPrefixLength(48)))
                .build();
        applier.apply(s);
        assertTrue(addresses(tun.name()).contains("inet6 fd7a:115c:a1e0::71/128"), addresses(tun.name()));
        assertTrue(routes(tun.name()).contains("fd7a:115c:a1e0::/48"), routes(tun.name()));
        applier.remove();
        assertFalse(addresses(tun.name()).contains("fd7a:115c:a1e0::71"));
        assertFalse(routes(tun.name()).contains("fd7a:115c:a1e0::/48"));
    }
}
