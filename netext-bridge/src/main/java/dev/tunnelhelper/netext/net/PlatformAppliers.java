package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.shim.NativePlatform;

/** Picks the applier for the OS we run on, as the shim detects it. */
public final class PlatformAppliers {
    private PlatformAppliers() {}

    public static InterfaceApplier forInterface(String ifname) {
        if (NativePlatform.current().isMac()) {
            return MacNetworkApplier.forInterface(ifname);
        }
        return LinuxNetworkApplier.forInterface(ifname);
    }
}
