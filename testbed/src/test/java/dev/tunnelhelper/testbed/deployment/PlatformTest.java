package dev.tunnelhelper.testbed.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.NativePlatform;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformTest {

    @Test
    void mapsTheShimsNamesToDeploymentNames() {
        assertEquals(new Platform("linux", "amd64"), Platform.of(NativePlatform.of("Linux", "amd64")));
        assertEquals(new Platform("linux", "amd64"), Platform.of(NativePlatform.of("Linux", "x86_64")));
        assertEquals(new Platform("linux", "arm64"), Platform.of(NativePlatform.of("Linux", "aarch64")));
        assertEquals(new Platform("darwin", "arm64"), Platform.of(NativePlatform.of("Mac OS X", "aarch64")));
        assertEquals(new Platform("darwin", "amd64"), Platform.of(NativePlatform.of("Mac OS X", "x86_64")));
        assertEquals(
                "/bin/coder-darwin-arm64",
                Platform.of(NativePlatform.of("Mac OS X", "aarch64")).binaryPath());
    }

    @Test
    void parsesBinaryNames() {
        assertEquals(Optional.of(new Platform("linux", "arm64")), Platform.fromBinaryName("coder-linux-arm64"));
        assertTrue(Platform.fromBinaryName("coder-linux").isEmpty());
        assertTrue(Platform.fromBinaryName("coder--amd64").isEmpty());
        assertTrue(Platform.fromBinaryName("coder-linux-").isEmpty());
        assertTrue(Platform.fromBinaryName("coder-linux-amd64-x").isEmpty());
        assertTrue(Platform.fromBinaryName("tool-linux-amd64").isEmpty());
    }

    @Test
    void knowsTheFourPublishedPlatforms() {
        assertEquals(4, Platform.KNOWN.size());
        assertTrue(new Platform("darwin", "amd64").isKnown());
        assertFalse(new Platform("windows", "amd64").isKnown());
    }
}
