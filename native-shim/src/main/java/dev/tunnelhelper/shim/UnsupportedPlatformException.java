package dev.tunnelhelper.shim;

/** A feature that exists only on another operating system (XPC and code signatures are macOS-only). */
public final class UnsupportedPlatformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedPlatformException(String feature, NativePlatform platform) {
        super(feature + " requires macOS; this is " + platform);
    }

    static void requireMac(String feature) {
        NativePlatform platform = NativePlatform.current();
        if (!platform.isMac()) {
            throw new UnsupportedPlatformException(feature, platform);
        }
    }
}
