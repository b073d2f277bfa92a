package dev.tunnelhelper.netext.net;

import java.util.Locale;

/** Picks the applier for the OS we run on. */
public final class PlatformAppliers {
    private PlatformAppliers() {
    }

    public static InterfaceApplier forInterface(String ifname) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac") || os.contains("darwin")) {
            return MacNetworkApplier.forInterface(ifname);
        }
        return LinuxNetworkApplier.forInterface(ifname);
    }
}
