package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** rtnetlink changes on a real TUN device, read back from the kernel (netlink dumps and /sys/class/net). */
@EnabledOnOs(OS.LINUX)
@RequiresRootAndTun
class NetworkInterfacesTest {
    private TunDevice tun;

    @BeforeEach
    void open() {
        tun = TunDevice.open(null);
    }

    @AfterEach
    void close() {
        tun.close();
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private List<String> addresses() {
        return NetworkInterfaces.addresses(tun.name()).stream()
                .map(Object::toString)
                .toList();
    }

    private List<String> routes() {
        return NetworkInterfaces.routes(tun.name()).stream()
                .map(Object::toString)
                .toList();
    }

    @Test
    void addressesMtuLinkAndRoutesAreAppliedAndRemoved() throws Exception {
        String name = tun.name();
        assertEquals(
                new NetworkInterfaces.Link(name, false, 1500),
                NetworkInterfaces.link(name).orElseThrow());
        NetworkInterfaces.replaceAddress(name, ip("198.18.2.1"), 32);
        NetworkInterfaces.replaceAddress(name, ip("198.18.2.1"), 32); // replace: a second time is fine
        NetworkInterfaces.setMtu(name, 1280);
        NetworkInterfaces.setUp(name, true);
        NetworkInterfaces.replaceRoute(name, ip("198.18.0.0"), 16);
        NetworkInterfaces.replaceRoute(name, ip("198.18.0.0"), 16);

        assertEquals(
                List.of("198.18.2.1/32"),
                addresses().stream().filter(a -> a.startsWith("198.")).toList());
        assertEquals(
                List.of("198.18.0.0/16"),
                routes().stream().filter(a -> a.startsWith("198.")).toList());
        assertEquals(
                new NetworkInterfaces.Link(name, true, 1280),
                NetworkInterfaces.link(name).orElseThrow());
        assertTrue(
                NetworkInterfaces.addresses(null).stream()
                        .anyMatch(e -> e.ifname().equals(name) && e.toString().equals("198.18.2.1/32")),
                "the all-interfaces listing names the device");

        NetworkInterfaces.deleteRoute(name, ip("198.18.0.0"), 16);
        NetworkInterfaces.deleteAddress(name, ip("198.18.2.1"), 32);
        NetworkInterfaces.setUp(name, false);
        assertFalse(addresses().contains("198.18.2.1/32"), addresses().toString());
        assertFalse(routes().contains("198.18.0.0/16"), routes().toString());
        assertFalse(NetworkInterfaces.link(name).orElseThrow().up());
    }

    @Test
    void ipv6AddressesAndRoutes() throws Exception {
        Path disabled = Path.of("/proc/sys/net/ipv6/conf/" + tun.name() + "/disable_ipv6");
        Assumptions.assumeTrue(
                Files.exists(disabled) && Files.readString(disabled).trim().equals("0"), "IPv6 is disabled");
        NetworkInterfaces.setUp(tun.name(), true);
        NetworkInterfaces.replaceAddress(tun.name(), ip("fd7a:115c:a1e0::71"), 128);
        NetworkInterfaces.replaceRoute(tun.name(), ip("fd7a:115c:a1e0::"), 48);
        assertTrue(addresses().contains("fd7a:115c:a1e0::71/128"), addresses().toString());
        assertTrue(routes().contains("fd7a:115c:a1e0::/48"), routes().toString());
        NetworkInterfaces.deleteRoute(tun.name(), ip("fd7a:115c:a1e0::"), 48);
        NetworkInterfaces.deleteAddress(tun.name(), ip("fd7a:115c:a1e0::71"), 128);
        assertFalse(addresses().contains("fd7a:115c:a1e0::71/128"), addresses().toString());
        assertFalse(routes().contains("fd7a:115c:a1e0::/48"), routes().toString());
    }

    @Test
    void failuresNameTheChangeTheInterfaceAndTheKernelsReason() throws Exception {
        NativeException mtu = assertThrows(NativeException.class, () -> NetworkInterfaces.setMtu(tun.name(), 70000));
        assertTrue(mtu.getMessage().startsWith("set MTU 70000 on " + tun.name()), mtu.getMessage());
        assertTrue(mtu.getMessage().contains("mtu greater than device maximum"), mtu.getMessage());
        assertEquals(22, mtu.errno());

        NativeException missing = assertThrows(
                NativeException.class, () -> NetworkInterfaces.replaceAddress("thnosuch0", ip("198.18.2.1"), 32));
        assertTrue(
                missing.getMessage().contains("add address 198.18.2.1/32 on thnosuch0: no interface thnosuch0"),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("No such device"), missing.getMessage());

        NativeException absentRoute = assertThrows(
                NativeException.class, () -> NetworkInterfaces.deleteRoute(tun.name(), ip("198.18.99.0"), 24));
        assertTrue(
                absentRoute.getMessage().startsWith("delete route 198.18.99.0/24 on " + tun.name()),
                absentRoute.getMessage());

        assertThrows(NativeException.class, () -> NetworkInterfaces.addresses("thnosuch0"));
        assertTrue(NetworkInterfaces.link("thnosuch0").isEmpty());
        assertTrue(NetworkInterfaces.link("../etc").isEmpty(), "a name is never a path");
    }
}
