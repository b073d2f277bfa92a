package dev.tunnelhelper.netext.net;

import java.util.List;

/** iproute2. {@code replace} rather than {@code add}: re-applying must not fail on "File exists". */
public final class LinuxDialect implements NetworkDialect {
    private final String ip;

    public LinuxDialect(String ipBinary) {
        this.ip = ipBinary;
    }

    @Override
    public List<String> addAddress(String ifname, Cidr a) {
        return List.of(ip, "address", "replace", a.toString(), "dev", ifname);
    }

    @Override
    public List<String> deleteAddress(String ifname, Cidr a) {
        return List.of(ip, "address", "del", a.toString(), "dev", ifname);
    }

    @Override
    public List<String> setMtu(String ifname, int mtu) {
        return List.of(ip, "link", "set", "dev", ifname, "mtu", Integer.toString(mtu));
    }

    @Override
    public List<String> linkUp(String ifname) {
        return List.of(ip, "link", "set", "dev", ifname, "up");
    }

    @Override
    public List<String> addRoute(String ifname, Cidr n) {
        return List.of(ip, n.ipv6() ? "-6" : "-4", "route", "replace", n.toString(), "dev", ifname);
    }

    @Override
    public List<String> deleteRoute(String ifname, Cidr n) {
        return List.of(ip, n.ipv6() ? "-6" : "-4", "route", "del", n.toString(), "dev", ifname);
    }
}
