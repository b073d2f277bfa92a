package dev.tunnelhelper.helper.config;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.systemd.SystemdUnit;
import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import dev.tunnelhelper.shim.NativePlatform;
import java.nio.file.Path;

/**
 * Where the helper keeps sockets, binaries and logs when the config does not say, and which config
 * file it reads when none is named (ARCHITECTURE §6).
 * Linux: {@code /run/tunnel-helper}, {@code /var/lib/tunnel-helper}, {@code /var/log/tunnel-helper}.
 * macOS has no {@code /run} and a read-only system volume, so there everything lives under
 * {@code /Library/Application Support/<bundle-id>/} ({@code bin}, {@code log}), and sockets, which
 * the XPC carrier does not use, under {@code /var/run/<bundle-id>}; without a {@code macos} section
 * the name is {@code tunnel-helper}.
 */
public record DefaultDirectories(String sockets, String binaries, String logs) {
    static final DefaultDirectories LINUX = new DefaultDirectories(
            EndpointSockets.DEFAULT_DIRECTORY.toString(), SystemdUnit.STATE_DIR, SystemdUnit.LOGS_DIR);
    private static final String MAC_NAME = "tunnel-helper";
    private static final Path LINUX_CONFIG = Path.of("/etc/tunnel-helper/helper.json");

    public static DefaultDirectories of(NativePlatform platform, LaunchdSettings macos) {
        if (!platform.isMac()) {
            return LINUX;
        }
        String state = macState(macos);
        return new DefaultDirectories(
                "/var/run/" + (macos != null ? macos.bundleId() : MAC_NAME), state + "/bin", state + "/log");
    }

    /**
     * The config file read when none is named: with a {@code macos} identity from the command
     * line (an app bundle's plist) {@code /Library/Application Support/<bundle-id>/helper.json} on
     * any OS, so {@code config show} on a build host reports what that daemon reads; otherwise
     * {@code /etc/tunnel-helper/helper.json} on Linux and
     * {@code /Library/Application Support/tunnel-helper/helper.json} on macOS.
     */
    public static Path configFile(NativePlatform platform, LaunchdSettings fromCommandLine) {
        if (fromCommandLine != null) {
            return Path.of(fromCommandLine.stateDirectory(), "helper.json");
        }
        return platform.isMac() ? Path.of(macState(null), "helper.json") : LINUX_CONFIG;
    }

    private static String macState(LaunchdSettings macos) {
        return macos != null ? macos.stateDirectory() : "/Library/Application Support/" + MAC_NAME;
    }
}
