package dev.tunnelhelper.shim;

/**
 * A macOS feature the loaded shim provides (TH_CAP_* in shim.h). The library says what it can do,
 * so callers ask {@link NativeShim#has} instead of testing the operating system: the darwin
 * library has all of them, and so has the Linux library built against the XPC simulator.
 */
public enum Capability {
    XPC(1, "XPC"),
    CODE_SIGNATURE(2, "Code-signature checking"),
    POWER_EVENTS(4, "System power notifications"),
    UNIFIED_LOGGING(8, "Unified logging");

    private final int bit;
    private final String feature;

    Capability(int bit, String feature) {
        this.bit = bit;
        this.feature = feature;
    }

    int bit() {
        return bit;
    }

    /** How error messages name the feature. */
    public String feature() {
        return feature;
    }
}
