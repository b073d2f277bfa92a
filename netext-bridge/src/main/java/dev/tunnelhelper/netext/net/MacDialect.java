package dev.tunnelhelper.netext.net;

import java.util.List;

/**
 * macOS {@code ifconfig}/{@code route} for a utun interface (point-to-point: an IPv4 address is
 * given as its own destination). Compiled and unit-checked for its command lines only; it has not
 * been run on macOS from this repository's CI.
 */
public final class MacDialect implements NetworkDialect {

    @Override
    public List<String> addAddress(String ifname, Cidr a) {
        if (a.ipv6()) {
            return List.of(
                    "/sbin/ifconfig", ifname, "inet6", a.address(), "prefixlen", Integer.toString(a.prefix()), "alias");
        }
        return List.of(
                "/sbin/ifconfig", ifname, "inet", a.address(), a.address(), "netmask", mask(a.prefix()), "alias");
    }

    @Override
    public List<String> deleteAddress(String ifname, Cidr a) {
        return List.of("/sbin/ifconfig", ifname, a.ipv6() ? "inet6" : "inet", a.address(), "-alias");
    }

    @Override
    public List<String> setMtu(String ifname, int mtu) {
        return List.of("/sbin/ifconfig", ifname, "mtu", Integer.toString(mtu));
    }

    @Override
    public List<String> linkUp(String ifname) {
        return List.of("/sbin/ifconfig", ifname, "up");
    }

    @Override
    public List<String> addRoute(String ifname, Cidr n) {
        return List.of(
                "/sbin/route",
                "-q",
                "-n",
                "add",
                n.ipv6() ? "-inet6" : "-inet",
                "-net",
                n.toString(),
                "-interface",
                ifname);
    }

    @Override
    public List<String> deleteRoute(String ifname, Cidr n) {
        return List.of(
                "/sbin/route",
                "-q",
                "-n",
                "delete",
                n.ipv6() ? "-inet6" : "-inet",
                "-net",
                n.toString(),
                "-interface",
                ifname);
    }

    static String mask(int prefix) {
        int bits = prefix == 0 ? 0 : -1 << (32 - prefix);
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "."
                + (bits & 0xff);
    }
}
