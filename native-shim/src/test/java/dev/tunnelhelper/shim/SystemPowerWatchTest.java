package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class SystemPowerWatchTest {

    /** A runner cannot be put to sleep, so this checks registration and teardown only. */
    @Test
    @EnabledOnOs(value = OS.MAC, disabledReason = "IOKit is macOS-only")
    void registersAndUnregistersCleanly() {
        List<PowerEvent> events = new CopyOnWriteArrayList<>();
        SystemPowerWatch watch = SystemPowerWatch.start(events::add);
        watch.close();
        watch.close();
        assertEquals(List.of(), events);
    }

    @Test
    @DisabledOnOs(value = OS.MAC, disabledReason = "checks the non-macOS behaviour")
    void offMacItNamesThePlatform() {
        UnsupportedPlatformException e = assertThrows(UnsupportedPlatformException.class,
                () -> SystemPowerWatch.start(event -> { }));
        assertEquals("System power notifications requires macOS; this is " + NativePlatform.current(), e.getMessage());
    }
}
