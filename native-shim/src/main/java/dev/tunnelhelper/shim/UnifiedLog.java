package dev.tunnelhelper.shim;

import com.sun.jna.Pointer;
import java.util.Objects;

/**
 * One os_log log object: a subsystem (the bundle id) and a category (one per component), as
 * {@code log show --predicate 'subsystem == "..."'} selects them. Messages are logged as
 * {@code %{public}s}: pass nothing secret. Needs {@link Capability#UNIFIED_LOGGING}.
 */
public final class UnifiedLog {
    /** os_log's types, mildest first. */
    public enum Level {
        DEBUG(0),
        INFO(1),
        DEFAULT(2),
        ERROR(3),
        FAULT(4);

        /** The shim's {@code th_log_write} level number (TH_LOG_DEBUG .. TH_LOG_FAULT). */
        final int code;

        Level(int code) {
            this.code = code;
        }
    }

    private final Pointer handle;

    private UnifiedLog(Pointer handle) {
        this.handle = handle;
    }

    /** os_log_create(subsystem, category); the native log object lives as long as the process. */
    public static UnifiedLog open(String subsystem, String category) {
        Objects.requireNonNull(subsystem, "subsystem");
        Objects.requireNonNull(category, "category");
        NativeShim shim = NativeShim.get();
        shim.require(Capability.UNIFIED_LOGGING);
        return new UnifiedLog(shim.library().th_log_open(subsystem, category));
    }

    public void log(Level level, String message) {
        NativeShim.get().library().th_log_write(handle, level.code, message);
    }
}
