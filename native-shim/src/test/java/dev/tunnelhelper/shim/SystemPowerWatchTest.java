package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SystemPowerWatchTest {

    /** A runner cannot be put to sleep, so this checks registration and teardown only. */
    @Test
    @RequiresCapability(Capability.POWER_EVENTS)
    void registersAndUnregistersCleanly() {
        List<PowerEvent> events = new CopyOnWriteArrayList<>();
        SystemPowerWatch watch = SystemPowerWatch.start(events::add);
        watch.close();
        watch.close();
        assertEquals(List.of(), events);
    }

    @Test
    void withoutTheCapabilityItNamesThePlatform() {
        Assumptions.assumeFalse(NativeShim.get().has(Capability.POWER_EVENTS), "the shim has power events");
        UnsupportedPlatformException e =
                assertThrows(UnsupportedPlatformException.class, () -> SystemPowerWatch.start(event -> {}));
        assertEquals(
                "System power notifications requires macOS or the XPC simulator (tunnelhelper.shim.variant=xpcsim);"
                        + " this is " + NativePlatform.current(),
                e.getMessage());
    }
}
