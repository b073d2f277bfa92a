package dev.tunnelhelper.netext.net;

import java.util.List;

/** One platform's command lines for the few changes an applier makes. */
public interface NetworkDialect {
    List<String> addAddress(String ifname, Cidr address);

    List<String> deleteAddress(String ifname, Cidr address);

    List<String> setMtu(String ifname, int mtu);

    List<String> linkUp(String ifname);

    /** Idempotent where the platform allows (Linux: {@code ip route replace}). */
    List<String> addRoute(String ifname, Cidr network);

    List<String> deleteRoute(String ifname, Cidr network);
}
