package dev.tunnelhelper.launchd;

import java.util.Locale;

/** The service manager family the commands target; injected so tests can drive macOS paths on Linux. */
public enum Os {
    MACOS,
    LINUX;

    public static Os current() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return name.contains("mac") || name.contains("darwin") ? MACOS : LINUX;
    }
}
