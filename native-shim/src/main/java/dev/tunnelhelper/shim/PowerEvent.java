package dev.tunnelhelper.shim;

/** System sleep/wake transitions (values match TH_POWER_* in shim.h). */
public enum PowerEvent {
    WILL_SLEEP,
    DID_WAKE;

    static PowerEvent fromNative(int code) {
        return switch (code) {
            case 1 -> WILL_SLEEP;
            case 2 -> DID_WAKE;
            default -> throw new IllegalArgumentException("unknown power event " + code);
        };
    }
}
