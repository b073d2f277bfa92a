package dev.tunnelhelper.shim;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sleep/wake notifications from IOKit ({@link Capability#POWER_EVENTS}), e.g. to re-check a tunnel
 * after wake. The listener runs on a native dispatch thread, one event at a time and in order.
 * Sleep is acknowledged at once and never vetoed: the system does not wait for the listener.
 */
public final class SystemPowerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemPowerWatch.class);

    // One callback object per watch, held in a field: JNA must not see it collected while
    // IOKit can still call it.
    @SuppressWarnings("UnusedVariable") // held, never read: see above
    private final ShimLibrary.PowerCallback callback;

    private final Pointer handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SystemPowerWatch(ShimLibrary.PowerCallback callback, Pointer handle) {
        this.callback = callback;
        this.handle = handle;
    }

    public static SystemPowerWatch start(Consumer<PowerEvent> listener) {
        NativeShim.get().require(Capability.POWER_EVENTS);
        ShimLibrary.PowerCallback callback = (ctx, event) -> {
            try {
                listener.accept(PowerEvent.fromNative(event));
            } catch (Throwable t) {
                LOG.error("power event listener failed", t);
            }
        };
        Native.setCallbackThreadInitializer(callback, new CallbackThreadInitializer(true, false, "power-callback"));
        ErrorBuffer err = new ErrorBuffer();
        Pointer h = NativeShim.get().library().th_power_watch(callback, Pointer.NULL, err.bytes, err.size());
        if (h == null) {
            throw new NativeException(0, err.text());
        }
        return new SystemPowerWatch(callback, h);
    }

    /**
     * Ends the IOKit registration at once; no event starts afterwards. Never waits for a running
     * listener, so it may be called from one, and a stuck listener does not keep the
     * registration alive.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            NativeShim.get().library().th_power_unwatch(handle);
        }
    }
}
