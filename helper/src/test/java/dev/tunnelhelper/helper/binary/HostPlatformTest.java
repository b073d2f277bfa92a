package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.shim.NativePlatform;
import org.junit.jupiter.api.Test;

class HostPlatformTest {

    @Test
    void theDeploymentsBinaryNamesFollowCoderNaming() {
        assertEquals(
                "coder-linux-amd64",
                HostPlatform.of(NativePlatform.of("Linux", "amd64")).binaryName());
        assertEquals(
                "coder-linux-arm64",
                HostPlatform.of(NativePlatform.of("Linux", "aarch64")).binaryName());
        assertEquals(
                "coder-darwin-arm64",
                HostPlatform.of(NativePlatform.of("Mac OS X", "aarch64")).binaryName());
        assertEquals(
                "coder-darwin-amd64",
                HostPlatform.of(NativePlatform.of("Mac OS X", "x86_64")).binaryName());
    }

    @Test
    void hostsWithNoPublishedBinaryAreNamedInTheError() {
        assertEquals(
                "no tunnel binaries are published for operating system 'windows11'",
                assertThrows(
                                IllegalStateException.class,
                                () -> HostPlatform.of(NativePlatform.of("Windows 11", "amd64")))
                        .getMessage());
        assertEquals(
                "no tunnel binaries are published for architecture 'riscv64'",
                assertThrows(IllegalStateException.class, () -> HostPlatform.of(NativePlatform.of("Linux", "riscv64")))
                        .getMessage());
    }
}
