package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.shim.NativePlatform;
import org.junit.jupiter.api.Test;

/** The StartRequest's device_os when the network extension leaves it empty. */
class DeviceOsTest {
    @Test
    void macosIsReportedAsCoderDesktopReportsIt() {
        assertEquals("macOS", HelperDaemon.deviceOs(NativePlatform.of("Mac OS X", "aarch64")));
        assertEquals("macOS", HelperDaemon.deviceOs(NativePlatform.of("Mac OS X", "x86_64")));
    }

    @Test
    void linuxKeepsItsOsName() {
        assertEquals("linux", HelperDaemon.deviceOs(NativePlatform.of("Linux", "amd64")));
    }
}
