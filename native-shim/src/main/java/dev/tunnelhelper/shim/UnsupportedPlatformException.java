package dev.tunnelhelper.shim;

/**
 * A feature the loaded shim does not provide: rtnetlink is Linux-only, and the macOS features
 * ({@link Capability}) need macOS or the XPC simulator.
 */
public final class UnsupportedPlatformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedPlatformException(String feature, String requiredOs, NativePlatform platform) {
        super(feature + " requires " + requiredOs + "; this is " + platform);
    }

    static void requireLinux(String feature) {
        NativePlatform platform = NativePlatform.current();
        if (!platform.isLinux()) {
            throw new UnsupportedPlatformException(feature, "Linux", platform);
        }
    }
}
