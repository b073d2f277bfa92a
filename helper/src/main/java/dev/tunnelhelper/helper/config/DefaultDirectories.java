package dev.tunnelhelper.helper.config;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import dev.tunnelhelper.shim.NativePlatform;

/**
 * Where the helper keeps sockets, binaries and logs when the config does not say (ARCHITECTURE §6).
 * Linux: {@code /run/tunnel-helper}, {@code /var/lib/tunnel-helper}, {@code /var/log/tunnel-helper}.
 * macOS has no {@code /run} and a read-only system volume, so there everything lives under
 * {@code /Library/Application Support/<bundle-id>/} ({@code bin}, {@code log}), and sockets, which
 * the XPC carrier does not use, under {@code /var/run/<bundle-id>}; without a {@code macos} section
 * the name is {@code tunnel-helper}.
 */
public record DefaultDirectories(String sockets, String binaries, String logs) {
    static final DefaultDirectories LINUX = new DefaultDirectories(EndpointSockets.DEFAULT_DIRECTORY.toString(),
            "/var/lib/tunnel-helper", "/var/log/tunnel-helper");
    private static final String MAC_NAME = "tunnel-helper";

    public static DefaultDirectories of(NativePlatform platform, LaunchdSettings macos) {
        if (!platform.isMac()) {
            return LINUX;
        }
        String state = macos != null ? macos.stateDirectory() : "/Library/Application Support/" + MAC_NAME;
        return new DefaultDirectories("/var/run/" + (macos != null ? macos.bundleId() : MAC_NAME), state + "/bin", state + "/log");
    }
}
