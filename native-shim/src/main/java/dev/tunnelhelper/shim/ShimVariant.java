package dev.tunnelhelper.shim;

import java.util.Locale;

/**
 * Which build of the shim a JVM loads. {@code STANDARD} is the host's own ({@code libtunnelshim}).
 * {@code XPC_SIMULATOR} is the Linux library whose macOS code (XPC, Security, IOKit power,
 * os_log, the Apple spawn branch) runs against the libxpc simulator, chosen with the system
 * property {@value #PROPERTY} or the environment variable {@value #ENV} set to {@code xpcsim}
 * (the property wins). See docs/native-shim.md, "The libxpc simulator".
 */
public enum ShimVariant {
    STANDARD(""),
    XPC_SIMULATOR("-xpcsim");

    public static final String PROPERTY = "tunnelhelper.shim.variant";
    public static final String ENV = "TUNNELHELPER_SHIM_VARIANT";

    private final String suffix;

    ShimVariant(String suffix) {
        this.suffix = suffix;
    }

    /** The variant this JVM asks for; an unknown name is a {@link ShimLoadException}. */
    public static ShimVariant requested() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        if (value == null
                || value.isBlank()
                || value.trim().toLowerCase(Locale.ROOT).equals("standard")) {
            return STANDARD;
        }
        if (value.trim().toLowerCase(Locale.ROOT).equals("xpcsim")) {
            return XPC_SIMULATOR;
        }
        throw new ShimLoadException(PROPERTY + "/" + ENV + " must be standard or xpcsim, got " + value);
    }

    /** The library's file name for a platform. */
    public String libraryFileName(NativePlatform platform) {
        if (this == XPC_SIMULATOR && !platform.isLinux()) {
            throw new ShimLoadException("the XPC simulator is built for Linux only; " + platform + " has its own XPC");
        }
        return "libtunnelshim" + suffix + (platform.isMac() ? ".dylib" : ".so");
    }
}
