package dev.tunnelhelper.shim;

/**
 * A feature that exists only on another operating system (XPC and code signatures are macOS-only,
 * rtnetlink Linux-only).
 */
public final class UnsupportedPlatformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedPlatformException(String feature, NativePlatform platform) {
        this(feature, "macOS", platform);
    }

    public UnsupportedPlatformException(String feature, String requiredOs, NativePlatform platform) {
        super(feature + " requires " + requiredOs + "; this is " + platform);
    }

    static void requireLinux(String feature) {
        NativePlatform platform = NativePlatform.current();
        if (!platform.isLinux()) {
            throw new UnsupportedPlatformException(feature, "Linux", platform);
        }
    }

    static void requireMac(String feature) {
        NativePlatform platform = NativePlatform.current();
        if (!platform.isMac()) {
            throw new UnsupportedPlatformException(feature, platform);
        }
    }
}
