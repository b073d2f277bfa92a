package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.NetworkInterfaces;
import dev.tunnelhelper.shim.UnsupportedPlatformException;

/**
 * Linux: rtnetlink through the shim ({@link NetworkInterfaces}), with the semantics of
 * {@code ip address replace}, {@code ip link set} and {@code ip route replace}, so a host needs no
 * iproute2. Each failure carries the change, the interface and the kernel's reason.
 */
final class NetlinkChanges implements InterfaceChanges {
    private final String ifname;

    NetlinkChanges(String ifname) {
        this.ifname = ifname;
    }

    private interface Change {
        void run();
    }

    private static void apply(Change change) throws SettingsApplyException {
        try {
            change.run();
        } catch (NativeException | UnsupportedPlatformException e) {
            throw new SettingsApplyException(e.getMessage(), e);
        }
    }

    @Override
    public void addAddress(Cidr a) throws SettingsApplyException {
        apply(() -> NetworkInterfaces.replaceAddress(ifname, a.inetAddress(), a.prefix()));
    }

    @Override
    public void deleteAddress(Cidr a) throws SettingsApplyException {
        apply(() -> NetworkInterfaces.deleteAddress(ifname, a.inetAddress(), a.prefix()));
    }

    @Override
    public void setMtu(int mtu) throws SettingsApplyException {
        apply(() -> NetworkInterfaces.setMtu(ifname, mtu));
    }

    @Override
    public void linkUp() throws SettingsApplyException {
        apply(() -> NetworkInterfaces.setUp(ifname, true));
    }

    @Override
    public void addRoute(Cidr n) throws SettingsApplyException {
        apply(() -> NetworkInterfaces.replaceRoute(ifname, n.inetAddress(), n.prefix()));
    }

    @Override
    public void deleteRoute(Cidr n) throws SettingsApplyException {
        apply(() -> NetworkInterfaces.deleteRoute(ifname, n.inetAddress(), n.prefix()));
    }
}
