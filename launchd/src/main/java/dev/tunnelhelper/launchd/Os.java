package dev.tunnelhelper.launchd;

import dev.tunnelhelper.shim.NativePlatform;

/**
 * The service manager family the commands target (launchd or systemd); injected so tests can drive
 * macOS paths on Linux. Which one this host has is the shim's one OS detection.
 */
public enum Os {
    MACOS,
    LINUX;

    public static Os current() {
        return NativePlatform.current().isMac() ? MACOS : LINUX;
    }
}
